#!/usr/bin/env bash
# Start-up of aeroflow-studio next to an editor from Debian (gedit), measured
# the same way for both: wall time from launch until a visible window whose
# title names the opened file (the Studio: its main window, shown once the
# file is loaded) exists on an Xvfb display (polled every 10 ms
# with xdotool). A benchmark, not a test. Needs: xvfb, xdotool, gedit.
#
#   bench/editor_startup.sh BUILD_DIR [RUNS] [FILE]
set -euo pipefail
build="${1:?usage: $0 BUILD_DIR [RUNS] [FILE]}"
runs="${2:-5}"
work="$(mktemp -d)"
file="${3:-}"
if [[ -z "$file" ]]; then
  file="$work/big2000.aefl"
  for i in $(seq 1 100); do
    printf 'actor Worker%d {\n    state count = 0\n    state total = 0\n    state name = "worker %d"\n\n    on Add(n) {\n        count = count + 1\n        total = total + n\n        if total > 1000 {\n            total = total - 1000\n        }\n    }\n    on Report {\n        emit(total + count)\n    }\n}\nlet w%d = spawn(Worker%d)\nsend(w%d, Add(%d))\n\n\n' "$i" "$i" "$i" "$i" "$i" "$i"
  done > "$file"
fi
name="$(basename "$file")"
display=":97"
Xvfb "$display" -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
cleanup() { kill "$xvfb" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export DISPLAY="$display"
unset QT_QPA_PLATFORM WAYLAND_DISPLAY
sleep 1

# Prints ms from launch to the first visible window whose title matches $1.
# (aeroflow-studio shows its window only after the file is loaded.)
measure() {
  local pattern="$1" start now pid
  shift
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 3000); do
    if xdotool search --onlyvisible --name "$pattern" >/dev/null 2>&1; then
      now=$(date +%s%N)
      echo $(( (now - start) / 1000000 ))
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      return 0
    fi
    sleep 0.01
  done
  kill "$pid" 2>/dev/null || true
  echo "timeout"
}

echo "file: $name, $(wc -l < "$file") lines; display $display (Xvfb); load $(cut -d' ' -f1-3 /proc/loadavg)"
settings="$work/studio.ini"
for r in $(seq 1 "$runs"); do
  s=$(measure "AeroFlow Studio" "$build/studio/aeroflow-studio" --settings "$settings" "$file")
  g=$(measure "$name" gedit --new-window "$file")
  echo "run $r: aeroflow-studio ${s} ms, gedit ${g} ms"
done
