#!/bin/sh
# SPDX-License-Identifier: MIT
# lockstep.sh — a harness that runs the RTL of the working tree and the RTL of git revision REV side
# by side: every eval copies the inputs to the reference model, evaluates both and compares every
# output port; the first difference prints "LOCKSTEP MISMATCH eval N clk C: <port>" and aborts.
# Drive it with anything that drives a harness (the co-simulation tests, build/dmacosim, simrate)
# to show that an RTL change for speed changed no behaviour. About half the speed of one model.
#
#   tests/perf/lockstep.sh REV [DATA_WIDTH ADDR_WIDTH MAX_BURST]     (default 64 32 256)
#   DMACOSIM_HARNESS=$PWD/build/lockstep/dmacosim-harness dotnet test tests/DmaCosim.Cosim.Tests/...
set -eu
rev=${1:?usage: tests/perf/lockstep.sh REV [DATA_WIDTH ADDR_WIDTH MAX_BURST]}
dw=${2:-64} aw=${3:-32} mb=${4:-256}
root=$(git rev-parse --show-toplevel)
out=$root/build/lockstep
rm -rf "$out"
mkdir -p "$out/ref" "$out/cosim"
git -C "$root" archive "$rev" rtl | tar -x -C "$out/ref"
# the Makefile's Verilator flags (VFLAGS), for one variant
flags="--no-timing -Wno-WIDTH --trace-fst --trace-structs --assert --x-assign 0 --x-initial 0
       --top-module cosim_top -GDATA_WIDTH=$dw -GADDR_WIDTH=$aw -GMAX_BURST=$mb"
defs="-DDMACOSIM_DATA_WIDTH=$dw -DDMACOSIM_ADDR_WIDTH=$aw -DDMACOSIM_MAX_BURST=$mb"
srcs() { echo "$1/rtl/dma_pkg.sv $(ls "$1"/rtl/*.sv | grep -v '/dma_pkg.sv$' | sort)"; }

# the reference model as a library, classes prefixed Vref
verilator --cc $flags --prefix Vref --Mdir "$out/ref/obj" $(srcs "$out/ref") >"$out/ref.log" 2>&1
make -C "$out/ref/obj" -f Vref.mk -j2 OPT_FAST=-O1 Vref__ALL.a >>"$out/ref.log" 2>&1

# the harness on the working tree's model, with Top replaced by a lock-step wrapper
cp "$root"/cosim/*.cpp "$root"/cosim/*.h "$out/cosim/"
verilator --cc $flags --Mdir "$out/obj" $(srcs "$root") >"$out/build.log" 2>&1
python3 - "$out/obj/Vcosim_top.h" >"$out/cosim/lockstep_top.h" <<'EOF'
import re, sys
ports = re.findall(r'VL_(IN|OUT)\w*\(&(\w+),', open(sys.argv[1]).read())
print('#pragma once\n#include <cstdio>\n#include <cstdlib>\n#include <cstring>')
print('#include "Vcosim_top.h"\n#include "Vref.h"')
print('class LockstepTop : public Vcosim_top {\n public:')
print('  LockstepTop(VerilatedContext* c, const char* n) : Vcosim_top(c, n), ref_(c, "REF") {}')
print('  void eval() {')
for kind, name in ports:
    if kind == 'IN':
        print('    std::memcpy(&ref_.%s, &%s, sizeof %s);' % (name, name, name))
print('    Vcosim_top::eval();\n    ref_.eval();\n    ++evals_;\n    bool same = true;')
for kind, name in ports:
    if kind == 'OUT':
        print('    if (std::memcmp(&ref_.%s, &%s, sizeof %s) != 0) same = Report("%s");'
              % (name, name, name, name))
print('    if (!same) std::abort();\n  }')
print('  void final() { Vcosim_top::final(); ref_.final(); }\n private:')
print('  bool Report(const char* port) {')
print('    std::fprintf(stderr, "LOCKSTEP MISMATCH eval %llu clk %d: %s\\n", evals_, int(clk), port);')
print('    return false;\n  }')
print('  Vref ref_;\n  unsigned long long evals_ = 0;\n};')
EOF
sed -i 's/#include "Vcosim_top.h"/#include "lockstep_top.h"/; s/using Top = Vcosim_top;/using Top = LockstepTop;/' \
  "$out/cosim/rtl_top.h"
grep -q LockstepTop "$out/cosim/rtl_top.h"
verilator --cc --exe --build -j 2 $flags --Mdir "$out/obj" -o dmacosim-harness \
  -CFLAGS "-std=c++17 -O1 -I$out/cosim -I$out/ref/obj $defs" -LDFLAGS "-lzmq $out/ref/obj/Vref__ALL.a" \
  -MAKEFLAGS "OPT_FAST=-O1 OPT_SLOW=-O1 OPT_GLOBAL=-O1" $(srcs "$root") "$out"/cosim/*.cpp \
  >>"$out/build.log" 2>&1
cp "$out/obj/dmacosim-harness" "$out/"
echo "lockstep harness (working tree against $rev): $out/dmacosim-harness"
