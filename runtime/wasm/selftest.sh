#!/bin/sh
# Builds EhSelfTest.cpp with the wasm32 C++ exception runtime (WasmEh.cpp)
# and runs it under Node.js: every case must pass ("ALL OK"), and an
# exception reaching a noexcept function must end in std::terminate
# (message on stderr, status 134).
#
#   runtime/wasm/selftest.sh [WORKDIR]     (WORKDIR: where the .wasm goes;
#                                           default: a fresh temporary dir)
# Environment: CLANGXX (default clang++-19), NODE (default node).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
clangxx=${CLANGXX:-clang++-19}
node=${NODE:-node}
if [ $# -ge 1 ]; then
    work=$1
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi

# The flags of the wasm32 runtime (runtime/toolchains/wasm32-wasi.cmake), at
# -O2 (as shipped) and -O0 (landing pads are laid out differently).
for opt in -O2 -O0; do
    "$clangxx" --target=wasm32-wasi -std=c++23 $opt -fwasm-exceptions -ffp-contract=off \
        -Wall -Wextra -Werror \
        "$here/EhSelfTest.cpp" "$here/WasmEh.cpp" \
        -Wl,-z,stack-size=8388608 -Wl,--stack-first \
        -o "$work/ehselftest.wasm"

    echo "--- self-test at $opt"
    status=0
    "$node" "$here/run-wasm.mjs" "$work/ehselftest.wasm" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "selftest: the self-test failed at $opt (exit status $status)" >&2
        exit 1
    fi

    status=0
    "$node" "$here/run-wasm.mjs" "$work/ehselftest.wasm" terminate >"$work/terminate.out" 2>"$work/terminate.err" || status=$?
    if [ "$status" -ne 134 ] || ! grep -qx 'terminate called: uncaught exception' "$work/terminate.err"; then
        echo "selftest: noexcept violation at $opt: expected std::terminate (status 134), got status $status:" >&2
        cat "$work/terminate.err" >&2
        exit 1
    fi
    echo "ok   exception through noexcept ends in std::terminate (status 134)"
done
