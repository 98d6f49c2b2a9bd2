# SPDX-License-Identifier: MIT
# bench_driver.mk — links dmacosim-bench-driver next to a harness, in its Verilator object directory.
# Read after Verilator's generated makefile (make -C build/obj_<variant> -f Vcosim_top.mk -f <this>),
# so the driver is compiled with exactly the harness's flags and linked from the harness's own
# objects: the verilated model, the Verilator runtime and every cosim/*.cpp except main and server.
BENCH_DRIVER_SRC ?= $(error set BENCH_DRIVER_SRC to the path of cosim/bench/bench_driver.cpp)
BENCH_DRIVER_OBJS := $(filter-out main.o server.o,$(VK_USER_OBJS))

bench_driver.o: $(BENCH_DRIVER_SRC)
	$(OBJCACHE) $(CXX) $(CXXFLAGS) $(CPPFLAGS) $(OPT_FAST) -c -o $@ $<

dmacosim-bench-driver: bench_driver.o $(BENCH_DRIVER_OBJS) $(VK_GLOBAL_OBJS) $(VM_PREFIX)__ALL.a $(VM_HIER_LIBS)
	$(LINK) $(LDFLAGS) $^ $(LOADLIBES) $(LDLIBS) $(LIBS) $(SC_LIBS) -o $@
