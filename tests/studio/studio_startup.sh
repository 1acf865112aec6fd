#!/usr/bin/env bash
# Start-up and responsiveness figures of aeroflow-studio (a benchmark, not a
# test: it asserts nothing). Usage: tests/studio/studio_startup.sh BUILD_DIR [RUNS]
# Prints, per run, ms from process start to the editor's first paint and to
# the first diagnostics, for a generated 2,000-line program; then the largest
# GUI event-loop gap while running a message-heavy example.
set -euo pipefail
build="${1:?usage: $0 BUILD_DIR [RUNS]}"
runs="${2:-5}"
studio="$build/studio/aeroflow-studio"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# 2,000 lines: 100 actors of 20 lines each.
{
  for i in $(seq 1 100); do
    cat <<AEFL
# actor number $i
actor Worker$i {
    state count = 0
    state total = 0
    state name = "worker $i"

    on Add(n) {
        count = count + 1
        total = total + n
        if total > 1000 {
            total = total - 1000
        }
    }
    on Report {
        emit(total + count)
    }
}
let w$i = spawn(Worker$i)
send(w$i, Add($i))

AEFL
  done
} > "$work/big.aefl"
echo "file: $(wc -l < "$work/big.aefl") lines"

export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"
for r in $(seq 1 "$runs"); do
  "$studio" --benchmark-startup "$work/big.aefl" 2>/dev/null | tr '\n' ' '
  echo
done
# 300,001 deliveries, streamed through the Messages and Actors docks.
cat > "$work/heavy.aefl" <<'AEFL'
actor Pinger {
    state n = 0
    on Ping(k) {
        n = n + 1
        if k > 0 { send(self, Ping(k - 1)) }
    }
}
let p = spawn(Pinger)
send(p, Ping(300000))
AEFL
"$studio" --benchmark-run "$work/heavy.aefl" 2>/dev/null | tr '\n' ' '
echo
