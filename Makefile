# SPDX-License-Identifier: MIT
# DmaCosim — build, test and run the DMA co-simulation bridge.
# Every output goes under $(BUILD)/. `make help` lists the targets.

######################################################################
# Settings (override on the command line: make test JOBS=4)
######################################################################
BUILD      ?= build
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
VERILATOR  ?= verilator
DOTNET     ?= dotnet
CONFIG     ?= Release
# RTL build parameters of the default harness (DESIGN §3: 64 / 32 / 256)
DATA_WIDTH ?= 64
ADDR_WIDTH ?= 32
MAX_BURST  ?= 256
# Every build the tests run against, as name:DATA_WIDTH:ADDR_WIDTH:MAX_BURST[:HAS_DRE] (HAS_DRE 1 when
# left out; 0 = no realigner, PG034 without DRE).
# `default` is build/dmacosim-harness; the others are build/dmacosim-harness-<name>.
VARIANTS   ?= default:$(DATA_WIDTH):$(ADDR_WIDTH):$(MAX_BURST) dw32:32:32:256 dw128:128:32:256 aw64:64:64:256 \
              nodre:$(DATA_WIDTH):$(ADDR_WIDTH):$(MAX_BURST):0
# Variants whose co-simulation run is only the test classes that depend on the build (the rest of the
# suite is the default build's): name=dotnet-test-filter. `make test` runs nodre's alignment-sensitive
# classes (the Nodre* test classes), not the whole suite a second time on the same widths.
VARIANT_FILTERS ?= nodre=FullyQualifiedName~DmaCosim.Cosim.Tests.Nodre

# V=1 shows every command and the compilers' output; otherwise each step is one `== ...` line, and a
# failing step prints its whole log (warnings of a passing step are printed too)
V          ?= 0
# Debian packages the build and the tests need (`make deps` installs what is missing).
DEB_PKGS   := verilator libzmq3-dev cppzmq-dev libmsgpack-cxx-dev zlib1g-dev python3 libgtest-dev gnuplot-nox \
              clang-format
CLANG_FORMAT ?= clang-format-14
# only `make test-slurm` needs these (a single-node Slurm with munge authentication)
SLURM_PKGS := slurm-wlm munge
# only `make fuzz` needs these (clang with libFuzzer and the sanitizers)
FUZZ_PKGS  := clang libclang-rt-14-dev
SUDO       := $(if $(filter 0,$(shell id -u)),,sudo)

ifeq ($(V),1)
Q          :=
quietly     = $(1)
else
Q          := @
# $(call quietly,COMMAND,LOG): COMMAND's output into LOG; all of it shown when it fails, its warnings when not
quietly     = { $(1); } > $(2) 2>&1 && { grep -E '^%Warning|warning:' $(2) || true; } || { cat $(2); echo "failed: see $(2) (V=1 shows every command)"; exit 1; }
endif

######################################################################
# Sources
######################################################################
# The package must be compiled first; every other module follows in name order.
RTL_PKG    := rtl/dma_pkg.sv
RTL_SRCS   := $(RTL_PKG) $(sort $(filter-out $(RTL_PKG),$(wildcard rtl/*.sv)))
RTL_TOP    := cosim_top
COSIM_SRCS := $(sort $(wildcard cosim/*.cpp))
COSIM_HDRS := $(wildcard cosim/*.h)
# the C++ bench driver: linked from a harness's objects (cosim/bench/bench_driver.mk)
BENCH_SRC  := cosim/bench/bench_driver.cpp
BENCH_MK   := cosim/bench/bench_driver.mk

# hello's rtl.hash: the SHA-256 of the RTL sources in build order, first 16 hex digits; each harness build
# writes it to rtl_hash.h in its object directory (rewritten only when it changes), which cosim/ops.cpp includes
RTL_HASH    = $(shell cat $(RTL_SRCS) | sha256sum | cut -c1-16)
HARNESS    := $(BUILD)/dmacosim-harness
VOBJ       := $(BUILD)/obj_default
# variant helpers: $(call vname,default:64:32:256) -> default, vdw -> 64, vaw -> 32, vmb -> 256
vfield     = $(word $(2),$(subst :, ,$(1)))
vname      = $(call vfield,$(1),1)
# HAS_DRE of a variant: its 5th field, 1 when it has none
vdre       = $(or $(call vfield,$(1),5),1)
# the dotnet test filter of a variant in VARIANT_FILTERS (empty: the whole suite)
vfilter    = $(patsubst $(1)=%,%,$(filter $(1)=%,$(VARIANT_FILTERS)))
harness_of = $(if $(filter default,$(1)),$(HARNESS),$(HARNESS)-$(1))
HARNESSES  := $(foreach v,$(VARIANTS),$(call harness_of,$(call vname,$(v))))
# the bench driver of a variant, next to its harness: build/dmacosim-bench-driver[-<name>]
BENCH_DRV  := $(BUILD)/dmacosim-bench-driver
driver_of  = $(if $(filter default,$(1)),$(BENCH_DRV),$(BENCH_DRV)-$(1))
BENCH_DRVS := $(foreach v,$(VARIANTS),$(call driver_of,$(call vname,$(v))))
CLI_DLL    := $(BUILD)/dotnet/bin/DmaCosim.Cli/$(shell echo $(CONFIG) | tr A-Z a-z)/DmaCosim.Cli.dll
CLI        := $(BUILD)/dmacosim
STAMP_CS   := $(BUILD)/.csharp.stamp
RESULTS    := $(BUILD)/test-results

######################################################################
# Verilator flags, one concern per line
######################################################################
# C++ model + our own main, built by Verilator's generated make
VFLAGS  := --cc --exe --build -j $(JOBS)
# no timing constructs: the harness owns the clock
VFLAGS  += --no-timing
# Verilator 5.006 has no WIDTHEXPAND/WIDTHTRUNC split yet
VFLAGS  += -Wno-WIDTH
# FST tracing compiled in, switched on only by the `trace` op
VFLAGS  += --trace-fst --trace-structs
# keep SystemVerilog immediate assertions (5.006 drops them without this); they answer SIM_ERROR
VFLAGS  += --assert
# deterministic X handling: every run of a seed is bit-for-bit the same
VFLAGS  += --x-assign 0 --x-initial 0
VFLAGS  += --top-module $(RTL_TOP) -o dmacosim-harness
# the coverage build (make coverage) also counts lines and toggles; no other build does
vextra   = $(if $(filter coverage,$(call vname,$(1))),--coverage-line --coverage-toggle)
# per build: the RTL parameters, and the same values as C++ compile-time constants ($(1)=variant)
vparams  = -GDATA_WIDTH=$(call vfield,$(1),2) -GADDR_WIDTH=$(call vfield,$(1),3) -GMAX_BURST=$(call vfield,$(1),4) \
           -GHAS_DRE=$(call vdre,$(1))
vdefines = -DDMACOSIM_DATA_WIDTH=$(call vfield,$(1),2) -DDMACOSIM_ADDR_WIDTH=$(call vfield,$(1),3) \
           -DDMACOSIM_MAX_BURST=$(call vfield,$(1),4) -DDMACOSIM_HAS_DRE=$(call vdre,$(1))
VCFLAGS := -std=c++17 -O2 -Wall -Wextra -I$(CURDIR)/cosim
VLDFLAGS := -lzmq
# model code: fast over small
VMAKE   := OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2

# lint: every warning on; each module linted on its own as a top, in every variant
LINT_FLAGS := --lint-only -Wall -Wno-WIDTH --no-timing

.DEFAULT_GOAL := help
.PHONY: help deps rtl harness harnesses bench-driver csharp pack install run test test-cpp test-slurm summary lint soak mutants mutants-named test-mutants-gen coverage clean FORCE

help: ## list the targets
	@echo "DmaCosim targets:"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-13s %s\n", $$1, $$2}'

# install whichever of $(1) is missing, in one apt-get run
define APT_INSTALL
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "== deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps: ## install missing Debian packages (idempotent; sudo only when not root)
	$(call APT_INSTALL,$(DEB_PKGS))
	@command -v $(DOTNET) >/dev/null || { echo "deps: the .NET 10 SDK is required (https://dot.net)"; exit 1; }

rtl: $(VOBJ)/V$(RTL_TOP).h ## verilate the RTL (C++ model only)

$(VOBJ)/V$(RTL_TOP).h: $(RTL_SRCS) | $(BUILD)
	@echo "== rtl: verilating $(RTL_TOP) (DATA_WIDTH=$(DATA_WIDTH) ADDR_WIDTH=$(ADDR_WIDTH))"
	$(Q)$(call quietly,$(VERILATOR) $(filter-out --build --exe,$(VFLAGS)) --Mdir $(VOBJ) \
	  $(call vparams,default:$(DATA_WIDTH):$(ADDR_WIDTH):$(MAX_BURST)) $(RTL_SRCS),$(BUILD)/rtl.log)

harness: $(HARNESS) $(BENCH_DRV) ## build the default harness (Verilated model + C++ harness) and its bench driver

harnesses: $(HARNESSES) $(BENCH_DRVS) ## build the harness and bench driver of every variant in VARIANTS

bench-driver: $(BENCH_DRV) ## the C++ bench driver of the default harness (bench's bridge_overhead)

# One rule per variant: $(1) = name:DATA_WIDTH:ADDR_WIDTH:MAX_BURST. The .params stamp holds the
# parameters and is rewritten only when they change, so `make harness DATA_WIDTH=32` rebuilds.
define HARNESS_RULE
$(BUILD)/$(call vname,$(1)).params: FORCE | $(BUILD)
	@echo "$(1)" | cmp -s - $$@ || echo "$(1)" > $$@

$(call harness_of,$(call vname,$(1))): $(RTL_SRCS) $(COSIM_SRCS) $(COSIM_HDRS) Makefile $(BUILD)/$(call vname,$(1)).params | $(BUILD)
	@echo "== harness $(call vname,$(1)): DATA_WIDTH=$(call vfield,$(1),2) ADDR_WIDTH=$(call vfield,$(1),3) MAX_BURST=$(call vfield,$(1),4) HAS_DRE=$(call vdre,$(1))"
	@mkdir -p $(BUILD)/obj_$(call vname,$(1)) && echo '#define DMACOSIM_RTL_HASH "$$(RTL_HASH)"' | \
	  cmp -s - $(BUILD)/obj_$(call vname,$(1))/rtl_hash.h || echo '#define DMACOSIM_RTL_HASH "$$(RTL_HASH)"' > $(BUILD)/obj_$(call vname,$(1))/rtl_hash.h
	$(Q)$(call quietly,$(VERILATOR) $(VFLAGS) $(call vextra,$(1)) --Mdir $(BUILD)/obj_$(call vname,$(1)) $(call vparams,$(1)) \
	  -CFLAGS "$(VCFLAGS) $(call vdefines,$(1))" -LDFLAGS "$(VLDFLAGS)" -MAKEFLAGS "$(VMAKE)" \
	  $(RTL_SRCS) $(abspath $(COSIM_SRCS)),$(BUILD)/harness-$(call vname,$(1)).log)
	$(Q)cp $(BUILD)/obj_$(call vname,$(1))/dmacosim-harness $$@

# the bench driver: compiled and linked by Verilator's generated makefile, from the harness's objects
$(call driver_of,$(call vname,$(1))): $(call harness_of,$(call vname,$(1))) $(BENCH_SRC) $(BENCH_MK)
	@echo "== bench driver $(call vname,$(1))"
	$(Q)$(call quietly,$(MAKE) --no-print-directory -C $(BUILD)/obj_$(call vname,$(1)) -f Vcosim_top.mk -f $(CURDIR)/$(BENCH_MK) $(VMAKE) \
	  BENCH_DRIVER_SRC=$(CURDIR)/$(BENCH_SRC) dmacosim-bench-driver,$(BUILD)/bench-driver-$(call vname,$(1)).log)
	$(Q)cp $(BUILD)/obj_$(call vname,$(1))/dmacosim-bench-driver $$@
endef
$(foreach v,$(VARIANTS),$(eval $(call HARNESS_RULE,$(v))))
FORCE:

csharp: $(STAMP_CS) ## build the C# library, CLI and tests

# dotnet build is incremental itself and also sees deleted files, so it always runs
$(STAMP_CS): FORCE | $(BUILD)
	@echo "== csharp: dotnet build ($(CONFIG))"
	$(Q)$(call quietly,$(DOTNET) build DmaCosim.slnx -c $(CONFIG) --nologo -v q -clp:NoSummary,$(BUILD)/csharp.log)
	@printf '#!/bin/sh\n# dmacosim launcher (written by make csharp); its harness is the dmacosim-harness next to it unless DMACOSIM_HARNESS names another\nDMACOSIM_CLI="%s"\nexport DMACOSIM_CLI\nexec %s "%s" "$$@"\n' \
	  "$(abspath $(CLI))" "$(DOTNET)" "$(abspath $(CLI_DLL))" > $(CLI)
	@chmod +x $(CLI)
	@touch $@

PACKAGES := $(BUILD)/packages

pack: ## NuGet packages DmaCosim, DmaCosim.Testing and the template dmacosim-test into build/packages
	@echo "== pack: DmaCosim, DmaCosim.Testing, DmaCosim.Templates ($(CONFIG)) -> $(PACKAGES)"
	@rm -rf $(PACKAGES)
	$(Q)$(call quietly,$(DOTNET) pack DmaCosim.slnx -c $(CONFIG) --nologo -v q -clp:NoSummary,$(BUILD)/pack.log)
	@ls $(PACKAGES)/*.nupkg | sed 's/^/  /'

# make install: the CLI in PREFIX/bin/dmacosim, its assemblies and every harness build (with its bench
# driver) in PREFIX/lib/dmacosim/, where the library finds them without DMACOSIM_HARNESS
PREFIX ?= /usr/local
INSTALL_LIB = $(PREFIX)/lib/dmacosim

install: harness csharp ## install the dmacosim CLI and every built harness under PREFIX (/usr/local): bin/, lib/dmacosim/
	@echo "== install: $(PREFIX)/bin/dmacosim, $(INSTALL_LIB)/"
	$(Q)mkdir -p $(PREFIX)/bin $(INSTALL_LIB)
	$(Q)cp -R $(dir $(CLI_DLL)). $(INSTALL_LIB)/
	$(Q)for f in $(HARNESS) $(HARNESS)-* $(BENCH_DRV) $(BENCH_DRV)-*; do \
	  if [ -f "$$f" ] && [ -x "$$f" ]; then install -m 755 "$$f" $(INSTALL_LIB)/; fi; \
	done
	@printf '#!/bin/sh\n# dmacosim, installed by make install: the harness is found next to the CLI (%s)\nDMACOSIM_CLI="%s"\nexport DMACOSIM_CLI\nexec %s "%s" "$$@"\n' \
	  "$(abspath $(INSTALL_LIB))" "$(abspath $(PREFIX))/bin/dmacosim" "$(DOTNET)" "$(abspath $(INSTALL_LIB))/DmaCosim.Cli.dll" > $(PREFIX)/bin/dmacosim
	@chmod 755 $(PREFIX)/bin/dmacosim
	@echo "install: $$(ls $(INSTALL_LIB) | grep -c '^dmacosim-harness') harness builds; run $(PREFIX)/bin/dmacosim"

run: deps harness csharp ## the demo: a 1 MiB DMA copy in RTL, verified byte-for-byte (V=1: every build command)
	@echo "== run: $(CLI) demo"
	$(Q)$(CLI) demo

######################################################################
# C++ unit tests of the harness parts that need no Verilator (GoogleTest, Debian libgtest-dev)
######################################################################
GTEST_LIBS     ?= -lgtest -lgtest_main -pthread
CPP_TEST_DIR   := $(BUILD)/cpp-unit
CPP_TEST_BIN   := $(CPP_TEST_DIR)/cpp-unit-tests
# the tests, and the cosim sources they test (none of them may include a Verilator header)
CPP_TEST_SRCS  := $(sort $(wildcard tests/cpp/*.cpp)) cosim/axi_checker.cpp cosim/cpu_load.cpp \
                  cosim/msgpack_io.cpp cosim/limit_checker.cpp cosim/axil_checker.cpp
# the harness's own warning set; -O1 -g: quick to build, readable in a debugger
# (DMACOSIM_SOURCE_DIR: the register-map and build-parameter tests parse rtl/; the default
# variant's DMACOSIM_* widths: build_params.h needs them)
CPP_TEST_FLAGS := -std=c++17 -O1 -g -Wall -Wextra -I$(CURDIR)/cosim \
                  -DDMACOSIM_SOURCE_DIR='"$(CURDIR)"' $(call vdefines,default:$(DATA_WIDTH):$(ADDR_WIDTH):$(MAX_BURST))

$(CPP_TEST_BIN): $(CPP_TEST_SRCS) $(wildcard tests/cpp/*.h) $(COSIM_HDRS) rtl/dma_pkg.sv Makefile | $(BUILD)
	@echo "== cpp-unit: building $@"
	@mkdir -p $(CPP_TEST_DIR)
	$(Q)$(CXX) $(CPP_TEST_FLAGS) -o $@ $(CPP_TEST_SRCS) $(GTEST_LIBS)

# run the C++ unit tests into $(RESULTS)/cpp-unit.xml (a line of the shell recipe, like run_tests)
run_cpp_tests = echo "== test: cpp-unit"; \
	$(CPP_TEST_BIN) --gtest_brief=1 --gtest_output=xml:$(abspath $(RESULTS))/cpp-unit.xml || status=1;
# the mutant generator's self-test (Python, a few seconds), JUnit XML as mutgen.xml
run_mutgen_tests = echo "== test: mutgen"; \
	python3 tests/mutants/test_mutgen.py --junit $(abspath $(RESULTS))/mutgen.xml || status=1;

# the licence check and its self-test (Python, a second), JUnit XML as spdx.xml
run_spdx_tests = echo "== test: spdx"; \
	python3 tests/test_spdx.py --junit $(abspath $(RESULTS))/spdx.xml || status=1;

# run one test project: $(1) = project, $(2) = results name, $(3) = harness binary, $(4) = test filter (optional)
run_tests = echo "== test: $(2)$(if $(4), (filter $(4)))"; \
	DMACOSIM_HARNESS=$(abspath $(3)) $(DOTNET) test tests/$(1)/$(1).csproj -c $(CONFIG) --no-build --nologo \
	  $(if $(4),--filter "$(4)") \
	  --logger "trx;LogFileName=$(2).trx" --logger "console;verbosity=minimal" --blame-hang-timeout 5m \
	  --results-directory $(RESULTS) || status=1;
# result sets that must exist: the C++ and C# unit tests, the mutant generator self-test, the licence check, and the co-simulation tests once per variant
RESULT_SETS := cpp-unit mutgen spdx DmaCosim.Tests $(foreach v,$(VARIANTS),DmaCosim.Cosim.Tests-$(call vname,$(v)))

test: deps harnesses csharp $(CPP_TEST_BIN) ## build every variant, run every test, print "tests: N passed, M failed"
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@status=0; \
	$(run_cpp_tests) \
	$(run_mutgen_tests) \
	$(run_spdx_tests) \
	$(call run_tests,DmaCosim.Tests,DmaCosim.Tests,$(HARNESS)) \
	$(foreach v,$(VARIANTS),$(call run_tests,DmaCosim.Cosim.Tests,DmaCosim.Cosim.Tests-$(call vname,$(v)),$(call harness_of,$(call vname,$(v))),$(call vfilter,$(call vname,$(v))))) \
	python3 tests/summarize.py $(RESULTS) $(addprefix --project ,$(RESULT_SETS)) || status=1; \
	exit $$status

test-cpp: $(CPP_TEST_BIN) ## C++ unit tests (GoogleTest, no RTL), JUnit XML into the results as cpp-unit.xml
	@mkdir -p $(RESULTS)
	@status=0; $(run_cpp_tests) exit $$status

# regress seeds and shards of `make test-slurm`
SLURM_COUNT  ?= 40
SLURM_SHARDS ?= 4

test-slurm: harness csharp ## a real single-node Slurm runs regress as a job array; merged result must equal a local run (not in CI)
	$(call APT_INSTALL,$(SLURM_PKGS))
	tests/slurm/test-slurm.sh $(CLI) $(SLURM_COUNT) $(SLURM_SHARDS)

summary: ## print the result line of the last `make test` again
	@python3 tests/summarize.py $(RESULTS) $(addprefix --project ,$(RESULT_SETS))

lint: ## verilator --lint-only -Wall on every RTL module, in every variant; clang-format check of cosim/; SPDX lines
	@echo "== lint: every source file's first line (second after #!) is SPDX-License-Identifier: MIT"
	@python3 tests/spdx.py
	@echo "== lint: $(CLANG_FORMAT) --dry-run --Werror on cosim/ ($(words $(COSIM_SRCS) $(COSIM_HDRS) $(BENCH_SRC)) files)"
	@$(CLANG_FORMAT) --dry-run --Werror $(COSIM_SRCS) $(COSIM_HDRS) $(BENCH_SRC)
	@echo "== lint: $(words $(RTL_SRCS)) files x $(words $(VARIANTS)) variants"
	@set -e; for f in $(filter-out $(RTL_PKG),$(RTL_SRCS)); do \
	  m=$$(basename $$f .sv); \
	  $(VERILATOR) $(LINT_FLAGS) --top-module $$m $(RTL_SRCS); \
	done; \
	$(foreach v,$(VARIANTS),$(VERILATOR) $(LINT_FLAGS) --top-module $(RTL_TOP) $(call vparams,$(v)) $(RTL_SRCS);) \
	echo "lint: clean"

######################################################################
# Mutation check of the suite (tests/mutants/; slow, not part of `make test`)
######################################################################
# mechanical mutants: how many to sample, from which seed (docs/verification.md)
MUTANTS      ?= 120
MUTANT_SEED  ?= 1
# regress seeds per hand-written mutant (mutants-named); built with the default build's parameters
MUTANT_COUNT ?= 50

# the soak (not in CI): SOAK_SEEDS seeds on every core, samples every minute into build/soak/soak.csv
SOAK_SEEDS ?= 20000
soak: harness csharp ## regress's scenarios over SOAK_SEEDS seeds (default 20000) on every core, sampling harness RSS / fds and the client's heap every minute into build/soak/soak.csv; fails on a seed without verdict or growth (slow; not in CI)
	$(BUILD)/dmacosim soak --count $(SOAK_SEEDS) --jobs $$(nproc) --csv $(BUILD)/soak/soak.csv

mutants: csharp ## MUTANTS sampled RTL mutants (seed MUTANT_SEED) in one schemata harness: score per module, survivors (slow)
	python3 tests/mutants/run --mutants $(MUTANTS) --seed $(MUTANT_SEED) --jobs $(JOBS) --out $(BUILD)/mutants \
	  --cli $(CLI) --config $(CONFIG) --dotnet $(DOTNET) --verilator $(VERILATOR) \
	  --data-width $(DATA_WIDTH) --addr-width $(ADDR_WIDTH) --max-burst $(MAX_BURST)

mutants-named: harness csharp ## the hand-written RTL bugs of tests/mutants/*.patch, a harness build each (slow)
	python3 tests/mutants/run-patches --jobs $(JOBS) --count $(MUTANT_COUNT) --out $(BUILD)/mutants-named --cli $(CLI) \
	  --baseline $(HARNESS) --config $(CONFIG) --dotnet $(DOTNET) -- \
	  VERILATOR=$(VERILATOR) DATA_WIDTH=$(DATA_WIDTH) ADDR_WIDTH=$(ADDR_WIDTH) MAX_BURST=$(MAX_BURST)

test-mutants-gen: ## self-test of the mutant generator (no harness; also part of `make test`)
	@mkdir -p $(RESULTS)
	@status=0; $(run_mutgen_tests) exit $$status

######################################################################
# RTL code coverage: line and toggle, of the co-simulation suite and a regression (slow; not in `make test`)
######################################################################
# regress seeds run on the coverage build
COVERAGE_COUNT ?= 200
COV_HARNESS := $(call harness_of,coverage)
COV_DIR     := $(BUILD)/coverage
# the default build's parameters; not in VARIANTS, so `make harnesses` and `make test` never build it
$(eval $(call HARNESS_RULE,coverage:$(DATA_WIDTH):$(ADDR_WIDTH):$(MAX_BURST)))
# the co-simulation suite and `regress` on the coverage build; each harness writes its own .dat there
cov_env = DMACOSIM_COVERAGE_DIR=$(abspath $(COV_DIR))/raw DMACOSIM_HARNESS=$(abspath $(COV_HARNESS))

coverage: $(COV_HARNESS) csharp ## RTL line + toggle coverage of the co-simulation suite + regress (COVERAGE_COUNT) into build/coverage/
	@rm -rf $(COV_DIR); mkdir -p $(COV_DIR)/raw
	@status=0; start=$$(date +%s); \
	echo "== coverage: co-simulation suite on $(COV_HARNESS)"; \
	$(cov_env) $(DOTNET) test tests/DmaCosim.Cosim.Tests/DmaCosim.Cosim.Tests.csproj -c $(CONFIG) --no-build --nologo \
	  --logger "console;verbosity=minimal" --blame-hang-timeout 5m --results-directory $(COV_DIR)/test-results || status=1; \
	echo "== coverage: regress --count $(COVERAGE_COUNT) --jobs $(JOBS)"; \
	$(cov_env) COLUMNS=200 $(CLI) regress --count $(COVERAGE_COUNT) --jobs $(JOBS) --out $(COV_DIR)/regress > $(COV_DIR)/regress.log 2>&1 || status=1; \
	tail -n 3 $(COV_DIR)/regress.log; \
	echo "== coverage: merging $$(ls $(COV_DIR)/raw | wc -l) files"; \
	verilator_coverage --write $(COV_DIR)/merged.dat $(COV_DIR)/raw/*.dat && \
	verilator_coverage --annotate $(COV_DIR)/annotated $(COV_DIR)/merged.dat > $(COV_DIR)/annotate.log && \
	python3 tests/coverage/rtl_coverage.py $(COV_DIR)/merged.dat --out $(COV_DIR)/summary.md || status=1; \
	echo "coverage: $(COV_DIR)/summary.md, annotated sources in $(COV_DIR)/annotated/ ($$(( $$(date +%s) - start )) s)"; \
	exit $$status

clean: ## remove every build output
	rm -rf $(BUILD)

######################################################################
# libFuzzer on the request decoder (clang; not part of `make test`)
######################################################################
FUZZ_SECONDS ?= 60
FUZZ_CXX     ?= clang++
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_BIN     := $(FUZZ_DIR)/decode_fuzzer
# libFuzzer's main, AddressSanitizer and UndefinedBehaviorSanitizer (a UB finding is a crash)
FUZZ_FLAGS   := -std=c++17 -g -O1 -Wall -Wextra -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SRCS    := tests/fuzz/decode_fuzzer.cpp cosim/msgpack_io.cpp
# inputs up to 4 KiB, 10 s per input, the protocol's names as a dictionary, crashes kept in crashes/
FUZZ_RUN     := -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
                -dict=tests/fuzz/protocol.dict -artifact_prefix=$(FUZZ_DIR)/crashes/ -print_final_stats=1
.PHONY: fuzz

$(FUZZ_BIN): $(FUZZ_SRCS) cosim/msgpack_io.h cosim/protocol.h cosim/errors.h Makefile | $(BUILD)
	$(call APT_INSTALL,$(FUZZ_PKGS))
	@mkdir -p $(FUZZ_DIR)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -I$(CURDIR)/cosim -o $@ $(FUZZ_SRCS)

fuzz: $(FUZZ_BIN) ## libFuzzer on the request decoder for FUZZ_SECONDS s (60), seeded from tests/fuzz/corpus
	@echo "== fuzz: $(FUZZ_BIN) for $(FUZZ_SECONDS) s (new inputs: $(FUZZ_DIR)/corpus, crashes: $(FUZZ_DIR)/crashes)"
	@mkdir -p $(FUZZ_DIR)/corpus $(FUZZ_DIR)/crashes
	$(FUZZ_BIN) $(FUZZ_RUN) $(FUZZ_DIR)/corpus tests/fuzz/corpus

$(BUILD):
	@mkdir -p $@
