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

# Debian packages the build and the tests need (`make deps` installs what is missing).
DEB_PKGS   := verilator libzmq3-dev cppzmq-dev libmsgpack-cxx-dev zlib1g-dev python3
SUDO       := $(if $(filter 0,$(shell id -u)),,sudo)

######################################################################
# Sources
######################################################################
# The package must be compiled first; every other module follows in name order.
RTL_PKG    := rtl/dma_pkg.sv
RTL_SRCS   := $(RTL_PKG) $(sort $(filter-out $(RTL_PKG),$(wildcard rtl/*.sv)))
RTL_TOP    := cosim_top
COSIM_SRCS := $(sort $(wildcard cosim/*.cpp))
COSIM_HDRS := $(wildcard cosim/*.h)
CS_SRCS    := $(shell find csharp tests -name '*.cs' -o -name '*.csproj' 2>/dev/null) \
              Directory.Build.props Directory.Packages.props global.json DmaCosim.slnx

HARNESS    := $(BUILD)/dmacosim-harness
VOBJ       := $(BUILD)/obj_default
CLI_DLL    := $(BUILD)/dotnet/bin/DmaCosim.Cli/$(shell echo $(CONFIG) | tr A-Z a-z)/DmaCosim.Cli.dll
CLI        := $(BUILD)/dmacosim
STAMP_CS   := $(BUILD)/.csharp.stamp
RESULTS    := $(BUILD)/test-results
TEST_PROJECTS := DmaCosim.Tests DmaCosim.Cosim.Tests

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
VFLAGS  += --top-module $(RTL_TOP) --Mdir $(VOBJ) -o dmacosim-harness
VFLAGS  += -GDATA_WIDTH=$(DATA_WIDTH) -GADDR_WIDTH=$(ADDR_WIDTH) -GMAX_BURST=$(MAX_BURST)
# harness C++: the same parameters as compile-time constants
VCFLAGS := -std=c++17 -O2 -Wall -Wextra -I$(CURDIR)/cosim
VCFLAGS += -DDMACOSIM_DATA_WIDTH=$(DATA_WIDTH) -DDMACOSIM_ADDR_WIDTH=$(ADDR_WIDTH)
VCFLAGS += -DDMACOSIM_MAX_BURST=$(MAX_BURST)
VLDFLAGS := -lzmq
# model code: fast over small
VMAKE   := OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2

# lint: every warning on; each module linted on its own as a top
LINT_FLAGS := --lint-only -Wall -Wno-WIDTH --no-timing

.DEFAULT_GOAL := help
.PHONY: help deps rtl harness csharp run test test-unit test-cosim lint clean

help: ## list the targets
	@echo "DmaCosim targets:"
	@grep -E '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  make %-11s %s\n", $$1, $$2}'

deps: ## install missing Debian packages (idempotent; sudo only when not root)
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "== deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@command -v $(DOTNET) >/dev/null || { echo "deps: the .NET 10 SDK is required (https://dot.net)"; exit 1; }

rtl: $(VOBJ)/V$(RTL_TOP).h ## verilate the RTL (C++ model only)

$(VOBJ)/V$(RTL_TOP).h: $(RTL_SRCS) | $(BUILD)
	@echo "== rtl: verilating $(RTL_TOP) (DATA_WIDTH=$(DATA_WIDTH) ADDR_WIDTH=$(ADDR_WIDTH))"
	$(VERILATOR) $(filter-out --build --exe,$(VFLAGS)) $(RTL_SRCS)

harness: $(HARNESS) ## build the C++ harness with the verilated model

$(HARNESS): $(RTL_SRCS) $(COSIM_SRCS) $(COSIM_HDRS) Makefile | $(BUILD)
	@echo "== harness: building $@"
	$(VERILATOR) $(VFLAGS) -CFLAGS "$(VCFLAGS)" -LDFLAGS "$(VLDFLAGS)" -MAKEFLAGS "$(VMAKE)" \
	  $(RTL_SRCS) $(abspath $(COSIM_SRCS))
	cp $(VOBJ)/dmacosim-harness $@

csharp: $(STAMP_CS) ## build the C# library, CLI and tests

$(STAMP_CS): $(CS_SRCS) | $(BUILD)
	@echo "== csharp: dotnet build ($(CONFIG))"
	$(DOTNET) build DmaCosim.slnx -c $(CONFIG) --nologo -v q -clp:NoSummary
	@printf '#!/bin/sh\n# dmacosim launcher (written by make csharp)\n: "$${DMACOSIM_HARNESS:=%s}"\nexport DMACOSIM_HARNESS\nexec %s "%s" "$$@"\n' \
	  "$(abspath $(HARNESS))" "$(DOTNET)" "$(abspath $(CLI_DLL))" > $(CLI)
	@chmod +x $(CLI)
	@touch $@

run: deps harness csharp ## the demo: a 1 MiB DMA copy in RTL, verified byte-for-byte
	$(CLI) demo

test: deps harness csharp ## build everything, run every test, print "tests: N passed, M failed"
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	@status=0; \
	for p in $(TEST_PROJECTS); do \
	  echo "== test: $$p"; \
	  DMACOSIM_HARNESS=$(abspath $(HARNESS)) $(DOTNET) test tests/$$p/$$p.csproj -c $(CONFIG) --no-build --nologo \
	    --logger "trx;LogFileName=$$p.trx" --logger "console;verbosity=minimal" --blame-hang-timeout 5m \
	    --results-directory $(RESULTS) || status=1; \
	done; \
	python3 tests/summarize.py $(RESULTS) $(addprefix --project ,$(TEST_PROJECTS)) || status=1; \
	exit $$status

lint: ## verilator --lint-only -Wall on every RTL module
	@echo "== lint: $(words $(RTL_SRCS)) files"
	@set -e; for f in $(filter-out $(RTL_PKG),$(RTL_SRCS)); do \
	  m=$$(basename $$f .sv); \
	  $(VERILATOR) $(LINT_FLAGS) --top-module $$m $(RTL_SRCS); \
	done; echo "lint: clean"

clean: ## remove every build output
	rm -rf $(BUILD)

$(BUILD):
	@mkdir -p $@
