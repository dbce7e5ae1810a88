#!/usr/bin/env bash
# Lab soak: the real lab under Xvfb takes ACTIONS random clicks, drags, wheel turns and keys (seeded)
# while the model plays. It must not die, must still answer its state dump and quit on Ctrl+Q, and its
# resident memory may not grow past the bound below. Keys that quit or open the file dialogs
# (Ctrl+Q, Ctrl+O, Ctrl+E) are never sent, and the menu bar is never clicked (File holds Quit).
#   lab_soak_test.sh WFC WORK [ACTIONS=3000] [SEED=13]
WFC="$1"; WORK="$2"; ACTIONS="${3:-3000}"; SEED="${4:-13}"
if [ "${5:-}" != "--inner" ]; then
  rm -rf "$WORK"; mkdir -p "$WORK"
  exec xvfb-run -a -s "-screen 0 1600x900x24" bash "$0" "$WFC" "$WORK" "$ACTIONS" "$SEED" --inner
fi
source "$(dirname "$0")/lib.sh"
WFC="$(realpath "$WFC")"; WORK="$(realpath "$WORK")"; STATE="$WORK/state.txt"
# RSS bound: the history keeps up to 1,500 restorable states (~0.13 MB each for the bundled
# checkpoint) and the spacetime ring 4,096 iterations, so a lab that plays for minutes legitimately
# grows by up to ~200 MB; past that it leaks.
MAX_GROWTH_MB="${SOAK_MAX_GROWTH_MB:-300}"

cd "$WORK"
T0=$(date +%s)
"$WFC" view --config-dir "$WORK/cfg" --dump "$STATE" --play --quit-after 600 >"$WORK/lab.out" 2>"$WORK/lab.err" &
PID=$!
WID=$(timeout 60 xdotool search --sync --name "wfc lab" | head -1)
[ -n "$WID" ] && ok "the lab window opened" || { bad "no lab window"; cat "$WORK/lab.err"; finish; exit 1; }
rss_mb() { awk '/^VmRSS:/ {printf "%d", $2/1024}' "/proc/$PID/status" 2>/dev/null; }
field() { awk -v k="$1" '$1==k {print $2; exit}' "$STATE"; }
dump() {  # a fresh state dump (F12 works even while a text box has the keyboard)
  rm -f "$STATE"
  for _ in $(seq 50); do
    xdotool key F12 2>/dev/null
    sleep 0.2; [ -s "$STATE" ] && return 0
    kill -0 $PID 2>/dev/null || return 1
  done
  return 1
}
for _ in $(seq 120); do dump && [ "$(field loaded)" = 1 ] && [ "$(field playing)" = 1 ] && break; sleep 0.5; done
[ "$(field loaded)" = 1 ] && [ "$(field playing)" = 1 ] && ok "checkpoint loaded, the model plays" || bad "not playing: loaded=$(field loaded) playing=$(field playing)"
sleep 3  # the first mints and the spacetime texture settle before the baseline
RSS0=$(rss_mb)
ok "RSS at start: $RSS0 MB"

# The actions, from awk's seeded generator: one xdotool command line per batch of 50 actions.
awk -v n="$ACTIONS" -v seed="$SEED" 'BEGIN {
  srand(seed)
  nk = split("s c n m u r Left Right ctrl+z ctrl+y ctrl+shift+z F1 F12 Escape Tab Return BackSpace Up Down Home End 0 1 2 3 5 7 9 period minus a e t h space", keys, " ")
  line = ""
  for (i = 1; i <= n; i++) {
    r = rand(); x = int(rand() * 1600); y = 30 + int(rand() * 865)   # y >= 30: never the menu bar
    if (r < 0.40)      a = sprintf("mousemove %d %d click %d", x, y, rand() < 0.85 ? 1 : 3)
    else if (r < 0.50) a = sprintf("mousemove %d %d click --repeat 2 1", x, y)
    else if (r < 0.65) a = sprintf("mousemove %d %d mousedown 1 sleep 0.03 mousemove %d %d sleep 0.03 mouseup 1", x, y, 30 + int(rand() * 1540), 30 + int(rand() * 865))
    else if (r < 0.72) a = sprintf("mousemove %d %d click %d", x, y, rand() < 0.5 ? 4 : 5)
    else               a = "key " keys[1 + int(rand() * nk)]
    line = line " " a " sleep 0.02"
    if (i % 50 == 0 || i == n) { print line; line = "" }
  }
}' >"$WORK/actions.txt"
SENT=0; BATCH=0; PLAY_FIXES=0; MAXRSS=$RSS0
while read -r line; do
  # shellcheck disable=SC2086
  xdotool $line 2>>"$WORK/xdotool.err"
  SENT=$((SENT + $(grep -o -E 'click|mousedown|key ' <<<"$line" | wc -l)))
  BATCH=$((BATCH + 1))
  kill -0 $PID 2>/dev/null || { bad "the lab died after $SENT actions"; break; }
  r=$(rss_mb); [ "${r:-0}" -gt "$MAXRSS" ] && MAXRSS=$r
  echo "$(( $(date +%s) - T0 )) s  $SENT actions  RSS $r MB" >>"$WORK/rss.log"
  if [ $((BATCH % 10)) = 0 ]; then  # keep it playing: random clicks and Space pause it
    xdotool key Escape mousemove 800 870 2>/dev/null
    if dump && [ "$(field playing)" = 0 ]; then xdotool key space; PLAY_FIXES=$((PLAY_FIXES + 1)); fi
  fi
done <"$WORK/actions.txt"
kill -0 $PID 2>/dev/null && ok "the lab survived $SENT actions in $(( $(date +%s) - T0 )) s (play resumed $PLAY_FIXES times)"

xdotool key Escape 2>/dev/null
if dump; then ok "the lab still answers its state dump (node $(field node) of $(field nodes), iteration $(field iteration))"
else bad "no state dump after the soak"; fi
RSS1=$(rss_mb)
GROWTH=$(( ${RSS1:-0} - ${RSS0:-0} ))
[ -n "$RSS1" ] && [ "$GROWTH" -le "$MAX_GROWTH_MB" ] \
  && ok "RSS at end: $RSS1 MB (start $RSS0 MB, peak $MAXRSS MB, growth $GROWTH MB <= $MAX_GROWTH_MB MB)" \
  || bad "RSS grew from $RSS0 MB to ${RSS1:-?} MB (bound +$MAX_GROWTH_MB MB)"
import -window root "$WORK/after-soak.png" 2>/dev/null

xdotool key ctrl+q
for _ in $(seq 40); do kill -0 $PID 2>/dev/null || break; sleep 0.25; done
kill -0 $PID 2>/dev/null && { bad "Ctrl+Q did not quit the lab"; kill $PID; }
wait $PID; RC=$?
[ "$RC" = 0 ] && ok "the lab quit cleanly (Ctrl+Q) after $(( $(date +%s) - T0 )) s" || bad "lab exit code $RC: $(tail -5 "$WORK/lab.err")"
finish
