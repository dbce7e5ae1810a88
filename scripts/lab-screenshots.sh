#!/usr/bin/env bash
# Screenshots of the lab's research views for docs/, at one screen size, under Xvfb:
#   scripts/lab-screenshots.sh [WxH=1600x900] [OUT=docs]
# Opens the bundled checkpoint, collapses a mid-future row by clicking it (arg-max), waits for the
# re-convergence, then shoots What changed (F3) and Row evolution (a click on a future cell in
# Spacetime). Writes OUT/lab-what-changed-WxH.png and OUT/lab-row-evolution-WxH.png.
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
"$WFC" view --config-dir "$WORK/cfg" --dump "$STATE" --quit-after 120 >/dev/null 2>"$WORK/lab.err" &
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
xdotool mousemove 10 10; sleep 0.6
import -window root "$OUT/lab-row-evolution-$SIZE.png"
echo "lab-screenshots: $OUT/lab-what-changed-$SIZE.png $OUT/lab-row-evolution-$SIZE.png"
