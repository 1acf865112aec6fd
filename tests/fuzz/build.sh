#!/bin/sh
# Builds the libFuzzer target without configuring the whole project (no Qt or
# LLVM needed): clang++ compiles the front end's sources with coverage
# instrumentation, AddressSanitizer and UBSan into build-fuzz/fuzz_frontend.
#
#   tests/fuzz/build.sh            # from the repository root
#   CXX=clang++-19 OUT=build-fuzz tests/fuzz/build.sh
#
# The CMake route (-DAEROFLOW_FUZZ=ON with clang) builds the same binary;
# docs/TESTING.md shows both and how to run the fuzzer.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cxx=${CXX:-clang++-19}
out=${OUT:-build-fuzz}
mkdir -p "$out/obj"

flags="-std=c++23 -O1 -g -fno-omit-frame-pointer -ffp-contract=off -fno-fast-math -Wno-deprecated-declarations
       -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
       -I$root/compiler -I$root/tests/fuzz"

# The library's own source list, so a new compiler file is picked up here too.
sources=$(sed -n '/add_library(aeroflow_compiler/,/)/p' "$root/compiler/CMakeLists.txt" | grep -o '[A-Za-z0-9_]*\.cpp')

objs=""
for s in $sources; do
    o="$out/obj/${s%.cpp}.o"
    if [ ! -f "$o" ] || [ "$root/compiler/$s" -nt "$o" ] || [ -n "$(find "$root/compiler" -name '*.h' -newer "$o" -o -name '*.def' -newer "$o" | head -1)" ]; then
        echo "  CXX $s"
        $cxx $flags -c "$root/compiler/$s" -o "$o"
    fi
    objs="$objs $o"
done
echo "  CXX FrontendProbe.cpp fuzz_frontend.cpp"
$cxx $flags -c "$root/tests/fuzz/FrontendProbe.cpp" -o "$out/obj/FrontendProbe.o"
$cxx $flags -fsanitize=fuzzer "$root/tests/fuzz/fuzz_frontend.cpp" "$out/obj/FrontendProbe.o" $objs \
    -o "$out/fuzz_frontend"
echo "built $out/fuzz_frontend"
