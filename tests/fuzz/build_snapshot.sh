#!/bin/sh
# Builds the `.afs` loader fuzzer: clang++ compiles the compiler's and the
# engine's sources with coverage instrumentation, AddressSanitizer and UBSan
# into build-fuzz/fuzz_snapshot (no Qt, no CMake configure needed).
#
#   tests/fuzz/build_snapshot.sh          # from the repository root
#   CXX=clang++-19 OUT=build-fuzz tests/fuzz/build_snapshot.sh
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cxx=${CXX:-clang++-19}
out=${OUT:-build-fuzz}
mkdir -p "$out/obj-snap"

flags="-std=c++23 -O1 -g -fno-omit-frame-pointer -ffp-contract=off -fno-fast-math -Wno-deprecated-declarations
       -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -I$root/compiler -I$root/engine"

objs=""
for lib in compiler engine; do
    sources=$(sed -n "/add_library(aeroflow_$lib/,/)/p" "$root/$lib/CMakeLists.txt" | grep -o '[A-Za-z0-9_]*\.cpp')
    for s in $sources; do
        o="$out/obj-snap/$lib-${s%.cpp}.o"
        if [ ! -f "$o" ] || [ "$root/$lib/$s" -nt "$o" ] || [ -n "$(find "$root/compiler" "$root/engine" -name '*.h' -newer "$o" -o -name '*.def' -newer "$o" | head -1)" ]; then
            echo "  CXX $lib/$s"
            $cxx $flags -c "$root/$lib/$s" -o "$o"
        fi
        objs="$objs $o"
    done
done
echo "  CXX fuzz_snapshot.cpp"
$cxx $flags -fsanitize=fuzzer "$root/tests/fuzz/fuzz_snapshot.cpp" $objs -o "$out/fuzz_snapshot"
echo "built $out/fuzz_snapshot"
