#!/usr/bin/env bash
# Installs what AeroFlow needs, builds it (Release, incremental) and opens a program.
#
#   installer/run.sh [FILE.aefl ...]    default: resources/examples/hello.aefl
#
# AEROFLOW_BUILD_DIR overrides the build directory (default: <repo>/build).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=deps.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/deps.sh"

BUILD_DIR="${AEROFLOW_BUILD_DIR:-$AEROFLOW_ROOT/build}"

aeroflow_install_deps
aeroflow_build Release "$BUILD_DIR"

if [[ $# -eq 0 ]]; then
    set -- "$AEROFLOW_ROOT/resources/examples/hello.aefl"
fi

STUDIO="$BUILD_DIR/studio/aeroflow-studio"
CLI="$BUILD_DIR/cli/aeroflow"

# Once the Studio exists, it is what opens the program. (When it always exists,
# drop the fallback below and keep just this exec.)
if [[ -x "$STUDIO" ]]; then aeroflow_log "starting AeroFlow Studio"; exec "$STUDIO" "$@"; fi

# Fallback until then: show the program with the command-line tools.
aeroflow_log "AeroFlow Studio arrives in a later release; showing the bundled example with the command-line tools instead"
if [[ ! -x "$CLI" ]]; then
    aeroflow_err "$CLI was not built"
    exit 1
fi
aeroflow_log "aeroflow check $*"
"$CLI" check "$@"
aeroflow_log "aeroflow run $*"
"$CLI" run "$@"
