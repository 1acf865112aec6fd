#!/usr/bin/env bash
# Start-up and responsiveness figures of aeroflow-studio (a benchmark, not a
# test: it asserts nothing). Usage: tests/studio/studio_startup.sh BUILD_DIR [RUNS]
# Prints, per run, ms from process start to the editor's first paint and to
# the first diagnostics, for a generated 2,000-line program; the largest GUI
# event-loop gap while running a message-heavy example; and keystroke-to-repaint
# times while typing into a generated 10,000-line program with live diagnostics.
set -euo pipefail
build="${1:?usage: $0 BUILD_DIR [RUNS]}"
runs="${2:-5}"
studio="$build/studio/aeroflow-studio"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# N actors of 20 lines each: 100 -> 2,000 lines, 500 -> 10,000 lines.
generate() {
  local count="$1"
  for i in $(seq 1 "$count"); do
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
}
generate 100 > "$work/big.aefl"
generate 500 > "$work/huge.aefl"
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
echo
# Keystroke to repaint in a 10,000-line file with live diagnostics.
echo "typing file: $(wc -l < "$work/huge.aefl") lines"
for r in $(seq 1 "$runs"); do
  "$studio" --benchmark-typing "$work/huge.aefl" 2>/dev/null | tr '\n' ' '
  echo
done
