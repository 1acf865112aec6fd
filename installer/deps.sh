#!/usr/bin/env bash
# shellcheck shell=bash
# AeroFlow Studio: dependency set-up and build helpers.
#
# Sourced by installer/run.sh and installer/test.sh. Run directly (installer/deps.sh),
# it just installs the missing dependencies.
# Defines:
#   AEROFLOW_ROOT                      absolute path of the repository root
#   AEROFLOW_DEPS                      the Debian packages the build and tests need
#   aeroflow_missing_deps              prints the packages of AEROFLOW_DEPS not installed
#   aeroflow_install_deps              installs the missing ones (apt-get), if any
#   aeroflow_build BUILD_TYPE BUILD_DIR  configures once (Ninja), then builds incrementally
#
# To add a dependency, add it to AEROFLOW_DEPS below: nothing else needs to change.

AEROFLOW_DEPS=(
    # toolchain
    cmake
    ninja-build
    g++
    pkg-config
    # Qt 6 and the editor component
    qt6-base-dev
    qt6-base-dev-tools
    qt6-svg-dev
    libqscintilla2-qt6-dev
    libgl-dev
    # LLVM / Clang 19 (codegen, C header import)
    llvm-19-dev
    libclang-19-dev
    clang-19
    lld-19
    # trace store
    libsqlite3-dev
    sqlite3
    # actor graph layout
    libgraphviz-dev
    graphviz
    # libraries and tools used by the build and the tests
    libfmt-dev
    lua5.4
    # the outside world (io/): HTTP and WebSocket servers and clients on Boost.Beast/Asio
    libboost1.81-dev
    # real clients of the service tests (tests/services) and peers of bench/services
    curl
    python3-websockets
    wrk
    nginx-light
    golang-go
    # headless GUI tests
    xvfb
    xauth
    # peers of the engine benchmarks (bench/: aeroflow-benchmark interp, pingpong, spawn)
    luajit
    erlang-base
    libcaf-dev
    # peer of the JIT benchmark (bench/jit: aeroflow-jit-benchmark); runs wasm32 programs
    nodejs
    # `aeroflow build` targets (runtime/): AArch64 cross compiler + emulator, wasm32-wasi
    g++-aarch64-linux-gnu
    qemu-user
    wasi-libc
    libc++-19-dev-wasm32
    libc++abi-19-dev-wasm32
    libclang-rt-19-dev-wasm32
    # libFuzzer and the sanitizers' runtimes for clang-19 (tests/fuzz, docs/TESTING.md)
    libclang-rt-19-dev
    # peer and harness of the Studio start-up benchmark (bench/editor_startup.sh)
    gedit
    xdotool
)

# Repository root, from this file's own location (works from any cwd, through symlinks).
AEROFLOW_ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"

aeroflow_log() {
    printf '==> %s\n' "$*"
}

aeroflow_err() {
    printf '==> error: %s\n' "$*" >&2
}

# Prints, one per line, the packages of AEROFLOW_DEPS that are not installed.
aeroflow_missing_deps() {
    local pkg
    for pkg in "${AEROFLOW_DEPS[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            printf '%s\n' "$pkg"
        fi
    done
}

# Installs whatever of AEROFLOW_DEPS is missing; does nothing (and needs no
# privileges) when everything is already installed.
aeroflow_install_deps() {
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        aeroflow_err "dpkg-query/apt-get not found: AeroFlow's installer supports Debian 12 (bookworm) only."
        aeroflow_err "install these packages (or their equivalents) by hand: ${AEROFLOW_DEPS[*]}"
        return 1
    fi

    aeroflow_log "checking ${#AEROFLOW_DEPS[@]} required packages"
    local missing=()
    mapfile -t missing < <(aeroflow_missing_deps)
    if [[ ${#missing[@]} -eq 0 ]]; then
        aeroflow_log "all required packages are installed"
        return 0
    fi
    aeroflow_log "missing packages: ${missing[*]}"

    local sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        if command -v sudo >/dev/null 2>&1; then
            sudo=(sudo)
        else
            aeroflow_err "not running as root and sudo is not available; install the missing packages as root:"
            aeroflow_err "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
            return 1
        fi
    fi

    aeroflow_log "apt-get update"
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update; then
        aeroflow_err "apt-get update failed"
        return 1
    fi
    aeroflow_log "apt-get install ${missing[*]}"
    if ! "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends "${missing[@]}"; then
        aeroflow_err "apt-get install failed for: ${missing[*]}"
        return 1
    fi

    mapfile -t missing < <(aeroflow_missing_deps)
    if [[ ${#missing[@]} -ne 0 ]]; then
        aeroflow_err "still missing after apt-get install: ${missing[*]}"
        return 1
    fi
    aeroflow_log "dependencies installed"
}

# aeroflow_build BUILD_TYPE BUILD_DIR
# Configures BUILD_DIR with Ninja only when it has no build.ninja yet, then builds.
# A relative BUILD_DIR is taken relative to the current directory (as cmake does).
aeroflow_build() {
    if [[ $# -ne 2 ]]; then
        aeroflow_err "usage: aeroflow_build BUILD_TYPE BUILD_DIR"
        return 2
    fi
    local build_type="$1" build_dir="$2"

    if [[ ! -f "$build_dir/build.ninja" ]]; then
        if [[ -f "$build_dir/CMakeCache.txt" ]]; then
            aeroflow_log "note: $build_dir has a CMakeCache.txt but no build.ninja;" \
                "if cmake reports a generator mismatch, remove $build_dir and rerun"
        fi
        aeroflow_log "configuring $build_type build in $build_dir"
        cmake -S "$AEROFLOW_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="$build_type" || {
            aeroflow_err "cmake configure failed"
            return 1
        }
    else
        aeroflow_log "reusing configured build in $build_dir"
    fi

    local jobs
    jobs="$(nproc 2>/dev/null || echo 2)"
    aeroflow_log "building ($jobs jobs)"
    cmake --build "$build_dir" -j"$jobs" || {
        aeroflow_err "build failed"
        return 1
    }
    aeroflow_log "build finished"
}

# Run directly rather than sourced: install the dependencies.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    aeroflow_install_deps
fi
