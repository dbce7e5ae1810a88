#!/usr/bin/env bash
# The lab's memory over a long play: resident set size (VmRSS) when the history reaches STEPS steps
# (1,500 = the states the history keeps restorable), read from /proc while the real lab plays.
# Usage: bench/lab_memory.sh [build/wfc] [STEPS=1500] [MAX_ITERS=4]
WFC="$(realpath "${1:-build/wfc}")"; STEPS="${2:-1500}"; MAX_ITERS="${3:-4}"
if [ "${4:-}" != "--inner" ]; then
  exec xvfb-run -a -s "-screen 0 1600x900x24" bash "$0" "$WFC" "$STEPS" "$MAX_ITERS" --inner
fi
WORK="$(mktemp -d)"; STATE="$WORK/state.txt"
"$WFC" view --play --max-iters "$MAX_ITERS" --config-dir "$WORK/cfg" --dump "$STATE" --quit-after 3000 >"$WORK/out.txt" 2>&1 &
PID=$!
timeout 60 xdotool search --sync --name "wfc lab" >/dev/null
field() { awk -v k="$1" '$1==k {print $2; exit}' "$STATE"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }
echo "== lab_memory: $WFC, play with --max-iters $MAX_ITERS until $STEPS history steps"
t0=$(date +%s)
while kill -0 $PID 2>/dev/null; do
  rm -f "$STATE"; xdotool key F12; sleep 2
  [ -s "$STATE" ] || continue
  n=$(field nodes)
  echo "   $(( $(date +%s) - t0 )) s: $n steps, iteration $(field iteration), RSS $(( $(rss) / 1024 )) MiB"
  [ "${n:-0}" -ge "$STEPS" ] && break
  sleep 8
done
echo "RSS at $n steps: $(( $(rss) / 1024 )) MiB"
xdotool key ctrl+q; wait $PID
rm -rf "$WORK"
