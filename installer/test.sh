#!/usr/bin/env bash
# Installs what AeroFlow needs, builds it (Release, incremental) and runs every test.
# This is what CI runs (.ci/run). Exits with ctest's status.
#
# AEROFLOW_BUILD_DIR overrides the build directory (default: <repo>/build, shared
# with installer/run.sh so the two build incrementally on top of each other).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=deps.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/deps.sh"

BUILD_DIR="${AEROFLOW_BUILD_DIR:-$AEROFLOW_ROOT/build}"

aeroflow_install_deps
aeroflow_build Release "$BUILD_DIR"

# GUI tests run without a display.
export QT_QPA_PLATFORM=offscreen

aeroflow_log "running tests"
status=0
ctest --test-dir "$BUILD_DIR" --output-on-failure --no-tests=error -j2 || status=$?
if [[ $status -eq 0 ]]; then
    aeroflow_log "all tests passed"
else
    aeroflow_err "tests failed (ctest exit status $status)"
fi
exit "$status"
