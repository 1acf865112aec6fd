#!/bin/sh
# Builds the outside-world fuzzer (tests/engine/fuzz_world.cpp): clang++ compiles the compiler's and the
# engine's sources with coverage instrumentation, AddressSanitizer and UBSan
# into build-fuzz/fuzz_world (no Qt, no CMake configure needed).
#
#   tests/fuzz/build_world.sh          # from the repository root
#   CXX=clang++-19 OUT=build-fuzz tests/fuzz/build_world.sh
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cxx=${CXX:-clang++-19}
out=${OUT:-build-fuzz}
mkdir -p "$out/obj-world"

flags="-std=c++23 -O1 -g -fno-omit-frame-pointer -ffp-contract=off -fno-fast-math -Wno-deprecated-declarations
       -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -I$root/compiler -I$root/engine -I$root/tests/engine"

objs=""
for lib in compiler engine; do
    sources=$(sed -n "/add_library(aeroflow_$lib/,/)/p" "$root/$lib/CMakeLists.txt" | grep -o '[A-Za-z0-9_]*\.cpp')
    for s in $sources; do
        o="$out/obj-world/$lib-${s%.cpp}.o"
        if [ ! -f "$o" ] || [ "$root/$lib/$s" -nt "$o" ] || [ -n "$(find "$root/compiler" "$root/engine" -name '*.h' -newer "$o" -o -name '*.def' -newer "$o" | head -1)" ]; then
            echo "  CXX $lib/$s"
            $cxx $flags -c "$root/$lib/$s" -o "$o"
        fi
        objs="$objs $o"
    done
done
echo "  CXX fuzz_world.cpp"
$cxx $flags -fsanitize=fuzzer "$root/tests/engine/fuzz_world.cpp" $objs -o "$out/fuzz_world"
echo "built $out/fuzz_world"
