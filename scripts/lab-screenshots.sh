#!/usr/bin/env bash
# Screenshots of the lab's research views for docs/, at one screen size, under Xvfb:
#   scripts/lab-screenshots.sh [WxH=1600x900] [OUT=docs]
# Opens the bundled checkpoint with the AR baseline as its comparison (COMPARE, default
# checkpoints/ar-baseline.safetensors), collapses a mid-future row by clicking it (arg-max), waits
# for the re-convergence, then shoots What changed (F3), Row evolution (a click on a future cell in
# Spacetime), the comparison in the main view, and Training with runs added (RUN, directories
# separated by spaces, default "runs/ar runs/wfc": shoot it while a run trains to show it live). Writes OUT/lab-what-changed-WxH.png,
# OUT/lab-row-evolution-WxH.png, OUT/lab-compare-WxH.png and OUT/lab-training-WxH.png.
set -uo pipefail
SIZE="${1:-1600x900}"; OUT="${2:-docs}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WFC="$ROOT/build/wfc"
[ -x "$WFC" ] || { echo "lab-screenshots: build first (scripts/build.sh)" >&2; exit 2; }
[[ "$SIZE" =~ ^[0-9]+x[0-9]+$ ]] || { echo "lab-screenshots: size: expected WxH, got '$SIZE'" >&2; exit 2; }
if [ "${3:-}" != "--inner" ]; then
  mkdir -p "$OUT" || exit 2
  exec xvfb-run -a -s "-screen 0 ${SIZE}x24" bash "$0" "$SIZE" "$(realpath "$OUT")" --inner
fi
WORK="$(mktemp -d)"; trap 'kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
STATE="$WORK/state.txt"
COMPARE="${COMPARE:-$ROOT/checkpoints/ar-baseline.safetensors}"; RUN="${RUN:-$ROOT/runs/ar $ROOT/runs/wfc}"
CMP=(); [ -f "$COMPARE" ] && CMP=(--compare "$COMPARE")
"$WFC" view --config-dir "$WORK/cfg" --dump "$STATE" --quit-after 150 "${CMP[@]}" >/dev/null 2>"$WORK/lab.err" &
PID=$!
WID=$(timeout 60 xdotool search --sync --name "wfc lab" | head -1)
[ -n "$WID" ] || { echo "lab-screenshots: no window: $(cat "$WORK/lab.err")" >&2; exit 1; }
field() { awk -v k="$1" '$1==k {print $2; exit}' "$STATE"; }
row() { awk -v i="$1" '$1=="row" && $2==i' "$STATE"; }
rect_centre() { awk -v n="$1" '$1=="rect" && $2==n {printf "%d %d", $3+$5/2, $4+$6/2}' "$STATE"; }
dump() {
  rm -f "$STATE"
  for _ in $(seq 50); do xdotool key --window "$WID" F12 2>/dev/null; sleep 0.2; [ -s "$STATE" ] && return 0; done
  return 1
}
wait_idle() { for _ in $(seq 120); do dump && [ "$(field loaded)" = 1 ] && [ "$(field busy)" = 0 ] && return 0; sleep 0.5; done; return 1; }
click() { xdotool mousemove "$1" "$2"; sleep 0.4; xdotool click 1; sleep 0.6; }
wait_idle || { echo "lab-screenshots: the lab never became idle" >&2; exit 1; }
NP=$(field n_past); LEN=$(field length)
T=$((NP + (LEN - NP) / 2))                     # a mid-future row
read -r _ _ X Y _ <<<"$(row $T)"
click "${X%.*}" "${Y%.*}"; dump
read -r BX BY <<<"$(rect_centre collapse_argmax)"
click "$BX" "$BY"; wait_idle
xdotool key F3; sleep 0.8
read -r EX EY <<<"$(dump && rect_centre effect_bars)"
xdotool mousemove "$EX" "$EY"; sleep 0.5
import -window root "$OUT/lab-what-changed-$SIZE.png"
xdotool key F3; sleep 0.4
dump
read -r SX SY SW SH <<<"$(awk '$1=="rect" && $2=="spacetime_image" {printf "%d %d %d %d", $3, $4, $5, $6}' "$STATE")"
# The newest iteration, a few rows left of the collapse: a row that responded to it.
X0=$(awk -v x="$SX" -v w="$SW" -v t="$T" -v n="$LEN" 'BEGIN{printf "%d", x + w * (t - 3 + 0.5) / n}')
click "$X0" $((SY + SH - 2))
xdotool mousemove 5 $((${SIZE#*x} - 5)); sleep 0.6  # the status bar: nothing hovered
import -window root "$OUT/lab-row-evolution-$SIZE.png"
xdotool key F4; sleep 0.4; wait_idle
SHOTS="$OUT/lab-what-changed-$SIZE.png $OUT/lab-row-evolution-$SIZE.png"
if [ ${#CMP[@]} -gt 0 ]; then
  # The comparison's curve over the session's, and the first future row's tooltip (both models' top tokens).
  NP=$(field n_past); read -r _ _ X Y _ <<<"$(row "$NP")"
  xdotool mousemove "${X%.*}" "${Y%.*}"; sleep 0.8
  import -window root "$OUT/lab-compare-$SIZE.png"; SHOTS+=" $OUT/lab-compare-$SIZE.png"
fi
ADDED=0
for R in $RUN; do
  [ -s "$R/metrics.jsonl" ] || continue
  [ "$ADDED" = 0 ] && { xdotool key F5; sleep 0.6; }
  dump; read -r BX BY <<<"$(rect_centre run_input)"; click "$BX" "$BY"
  xdotool type --delay 5 "$R"  # Add run empties the box
  read -r BX BY <<<"$(dump && rect_centre add_run)"; click "$BX" "$BY"; sleep 0.5
  ADDED=$((ADDED + 1))
done
if [ "$ADDED" -gt 0 ]; then
  sleep 1.2; xdotool mousemove 5 $((${SIZE#*x} - 5)); sleep 0.3  # the status bar: nothing hovered
  import -window root "$OUT/lab-training-$SIZE.png"; SHOTS+=" $OUT/lab-training-$SIZE.png"
fi
echo "lab-screenshots: $SHOTS"
