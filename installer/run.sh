#!/usr/bin/env bash
# Installs what AeroFlow needs, builds it (Release, incremental) and opens a program.
#
#   installer/run.sh [FILE.aefl | TRACE.aftrace | DIR]    default: resources/examples/counter.aefl
#
# AEROFLOW_BUILD_DIR overrides the build directory (default: <repo>/build).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=deps.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/deps.sh"

BUILD_DIR="${AEROFLOW_BUILD_DIR:-$AEROFLOW_ROOT/build}"

aeroflow_install_deps
aeroflow_build Release "$BUILD_DIR"

if [[ $# -eq 0 ]]; then
    set -- "$AEROFLOW_ROOT/resources/examples/counter.aefl"
fi

STUDIO="$BUILD_DIR/studio/aeroflow-studio"
CLI="$BUILD_DIR/cli/aeroflow"

if [[ ! -x "$STUDIO" ]]; then
    aeroflow_err "$STUDIO was not built"
    exit 1
fi
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" && -z "${QT_QPA_PLATFORM:-}" ]]; then
    # No desktop session (an SSH shell, a container): show the program with the
    # command-line tools and say how to get a picture of the Studio.
    aeroflow_log "no display found (DISPLAY/WAYLAND_DISPLAY unset): running the program with the command-line tools"
    aeroflow_log "for a picture of the Studio: $STUDIO --screenshot studio.png --open $1 --run"
    "$CLI" check "$@"
    exec "$CLI" run "$@"
fi
aeroflow_log "starting AeroFlow Studio"
exec "$STUDIO" "$@"
