#!/usr/bin/env bash
# Measures the lab on this machine (CPU, Xvfb, Mesa's software GL), as the acceptance asks:
#   1. the UI's work per frame (p50/p99) while the model plays continuously for PLAY_S seconds;
#   2. click -> re-converged latency over CLICKS full collapses made by clicking the plot.
# Usage: bench/lab_bench.sh [build/wfc] [PLAY_S=30] [CLICKS=20] [THREADS=1]
WFC="${1:-build/wfc}"; PLAY_S="${2:-30}"; CLICKS="${3:-20}"; THREADS="${4:-1}"
WORK="$(mktemp -d)"
if [ "${5:-}" != "--inner" ]; then
  exec xvfb-run -a -s "-screen 0 1600x900x24" bash "$0" "$WFC" "$PLAY_S" "$CLICKS" "$THREADS" --inner
fi
echo "== lab_bench: $(nproc) cores, worker threads $THREADS"
echo "-- 1. playing continuously for ${PLAY_S}s"
"$WFC" view --play --threads "$THREADS" --config-dir "$WORK/cfg" --quit-after "$PLAY_S" | sed 's/^/   /'
echo "-- 1b. the same with every window open (--all-windows)"
"$WFC" view --play --all-windows --threads "$THREADS" --config-dir "$WORK/cfg-all" --quit-after "$PLAY_S" | sed 's/^/   /'

echo "-- 2. $CLICKS clicks: collapse a future row by arg-max, wait for re-convergence, undo"
STATE="$WORK/state.txt"
"$WFC" view --threads "$THREADS" --config-dir "$WORK/cfg2" --dump "$STATE" --quit-after 600 >"$WORK/out.txt" &
PID=$!
WID=$(timeout 60 xdotool search --sync --name "wfc lab" | head -1)
field() { awk -v k="$1" '$1==k {print $2; exit}' "$STATE"; }
dump() { rm -f "$STATE"; for _ in $(seq 50); do xdotool key F12; sleep 0.1; [ -s "$STATE" ] && return 0; done; return 1; }
wait_idle() { for _ in $(seq 200); do dump && [ "$(field loaded)" = 1 ] && [ "$(field busy)" = 0 ] && return 0; sleep 0.1; done; return 1; }
xdotool mousemove 700 60
wait_idle
NP=$(field n_past); LEN=$(field length)
for i in $(seq "$CLICKS"); do
  T=$((NP + (i * 7) % (LEN - NP)))
  read -r X Y <<<"$(awk -v i="$T" '$1=="row" && $2==i {printf "%d %d", $3, $4}' "$STATE")"
  xdotool mousemove "$X" "$Y"; sleep 0.3; xdotool click 1; sleep 0.4
  dump
  read -r BX BY <<<"$(awk '$1=="rect" && $2=="collapse_argmax" {printf "%d %d", $3+$5/2, $4+$6/2}' "$STATE")"
  [ -n "$BX" ] || { echo "   click $i: no popup"; continue; }
  xdotool mousemove "$BX" "$BY"; sleep 0.2; xdotool click 1
  xdotool mousemove 700 60
  wait_idle
  xdotool key ctrl+z; sleep 0.3; wait_idle
done
xdotool key ctrl+q; wait $PID
sed 's/^/   /' "$WORK/out.txt"
rm -rf "$WORK"
