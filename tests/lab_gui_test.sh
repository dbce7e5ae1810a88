#!/usr/bin/env bash
# The lab as a person uses it, under Xvfb: click a future row in the entropy plot, collapse it
# fully, then another partially, then undo (button, then Ctrl+Z). The app's own state dump (F12)
# says what happened; screenshots of every stage are kept in WORK as test artefacts.
WFC="$1"; WORK="$2"
if [ "${3:-}" != "--inner" ]; then
  rm -rf "$WORK"; mkdir -p "$WORK"
  exec xvfb-run -a -s "-screen 0 1600x900x24" bash "$0" "$WFC" "$WORK" --inner
fi
source "$(dirname "$0")/lib.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"; WFC="$(realpath "$WFC")"; WORK="$(realpath "$WORK")"
STATE="$WORK/state.txt"

cd "$WORK"  # the export window writes next to where the lab runs
"$WFC" view --config-dir "$WORK/cfg" --dump "$STATE" --quit-after 150 >"$WORK/lab.out" 2>"$WORK/lab.err" &
PID=$!
WID=$(timeout 60 xdotool search --sync --name "wfc lab" | head -1)
[ -n "$WID" ] && ok "the lab window opened" || { bad "no lab window"; cat "$WORK/lab.err"; finish; exit 1; }

field() { awk -v k="$1" '$1==k {print $2; exit}' "$STATE"; }
row() { awk -v i="$1" '$1=="row" && $2==i' "$STATE"; }        # row I X Y STATUS H ALPHA ARGMAX
rect_centre() { awk -v n="$1" '$1=="rect" && $2==n {printf "%d %d", $3+$5/2, $4+$6/2}' "$STATE"; }
dump() {  # asks the app for a fresh dump (F12) and waits until it is written
  local before; before=$(stat -c %Y.%N "$STATE" 2>/dev/null || echo none)
  rm -f "$STATE"
  xdotool mousemove 700 60 >/dev/null 2>&1 || true
  for _ in $(seq 50); do
    xdotool key --window "$WID" F12 2>/dev/null; xdotool key F12 2>/dev/null
    sleep 0.2; [ -s "$STATE" ] && return 0
  done
  return 1
}
wait_idle() {  # until the model has loaded and nothing is iterating
  for _ in $(seq 120); do
    dump && [ "$(field loaded)" = 1 ] && [ "$(field busy)" = 0 ] && return 0
    sleep 0.5
  done
  return 1
}
click() { xdotool mousemove "$1" "$2"; sleep 0.4; xdotool click 1; sleep 0.6; }
shot() { import -window root "$WORK/$1.png"; }

wait_idle && ok "checkpoint loaded and the prompt converged" || bad "the lab never became idle"
shot 1-start
NP=$(field n_past); LEN=$(field length); OFF=$(field offset); NODES0=$(field nodes); CONV0=$(field converges)
[ "$NP" -gt 0 ] && [ "$LEN" -gt "$NP" ] && ok "window: $NP past rows, $((LEN-NP)) future rows" || bad "odd window: n_past=$NP length=$LEN"

# 1. Full collapse of a future row, chosen by clicking its marker in the plot.
T=$((NP + 3))
read -r _ _ X Y ST _ <<<"$(row $T)"
[ "$ST" = free ] && ok "row $T starts free" || bad "row $T starts $ST"
click "${X%.*}" "${Y%.*}"
dump
[ "$(field popup_open)" = 1 ] && ok "clicking row $T opened the collapse popup" || bad "no popup after the click"
shot 2-popup
read -r BX BY <<<"$(rect_centre collapse_argmax)"
click "$BX" "$BY"
wait_idle || bad "no re-convergence after the collapse"
shot 3-collapsed
read -r _ _ _ _ ST _ <<<"$(row $T)"
[ "$ST" = collapsed ] && ok "row $T is collapsed" || bad "row $T is $ST after the collapse"
others=$(awk -v np="$NP" -v t="$T" '$1=="row" && $2>=np && $2!=t && $5!="free"' "$STATE" | wc -l)
[ "$others" = 0 ] && ok "exactly that row collapsed (every other future row still free)" || bad "$others other rows changed status"
[ "$(field last_collapse)" = $((OFF + T)) ] && ok "the app records the collapse at position $((OFF + T))" || bad "last_collapse $(field last_collapse)"
CONV1=$(field converges)
[ "$CONV1" -gt "$CONV0" ] && [ "$(field converged)" = 1 ] && ok "the context re-converged ($(field last_converge_iters) iterations)" \
  || bad "not re-converged: converges $CONV0 -> $CONV1, converged=$(field converged)"
[ "$(field nodes)" = $((NODES0 + 1)) ] && ok "one history step added" || bad "history has $(field nodes) steps, want $((NODES0 + 1))"

# 1b. What the collapse changed: F3 opens the view; the app measured the effect when the
#     re-convergence ended (KL before -> after over the window, rows whose guess moved).
xdotool key F3; sleep 0.6; dump
[ "$(field effect_shown)" = 1 ] && ok "F3 opened What changed" || bad "F3 did not open What changed"
ERows=$(field effect_rows); EKL=$(field effect_max_kl)
[ "$(field effect_pos)" = $((OFF + T)) ] && [ "${ERows:-0}" -ge $((LEN - NP)) ] && awk -v k="$EKL" 'BEGIN{exit !(k > 0)}' \
  && ok "what changed: collapse at $((OFF + T)), $ERows rows measured, largest KL of a free row $EKL nats, $(field effect_changed) guesses moved" \
  || bad "what changed: pos $(field effect_pos) (want $((OFF + T))), rows $ERows, max KL $EKL"
read -r EX EY <<<"$(rect_centre effect_bars)"
[ -n "$EX" ] && { xdotool mousemove "$EX" "$EY"; sleep 0.4; shot 3b-effect; ok "the effect bars are drawn"; } || bad "no effect bars"
xdotool key F3; sleep 0.4; xdotool mousemove 700 60

# 1c. Row evolution: clicking a future cell in Spacetime follows that row across iterations.
dump
read -r SX SY SW SH <<<"$(awk '$1=="rect" && $2=="spacetime_image" {printf "%d %d %d %d", $3, $4, $5, $6}' "$STATE")"
if [ -n "$SX" ]; then
  click $((SX + SW - 4)) $((SY + SH - 2))   # the newest iteration, the last position: a future row
  dump
  EP=$(field evo_pos)
  [ "$(field evo_shown)" = 1 ] && [ "$EP" -ge $((OFF + NP)) ] && [ "$EP" -lt $((OFF + LEN)) ] && [ "$(field evo_points)" -gt 1 ] \
    && [ "$(field evo_tokens)" -ge 2 ] \
    && ok "row evolution follows position $EP: $(field evo_points) iterations, $(field evo_tokens) tokens" \
    || bad "row evolution: shown $(field evo_shown), pos $EP, points $(field evo_points), tokens $(field evo_tokens)"
  shot 3c-evolution
  xdotool key F4; sleep 0.4; xdotool mousemove 700 60
else bad "no spacetime image rectangle in the dump"; fi

# 2. Partial collapse of another row (alpha 0.5, held until released).
P=$((NP + 6))
read -r _ _ X Y _ <<<"$(row $P)"
click "${X%.*}" "${Y%.*}"
dump
read -r BX BY <<<"$(rect_centre collapse_partial)"
[ -n "$BX" ] && ok "the popup offers a partial collapse" || bad "no partial-collapse button"
click "$BX" "$BY"
wait_idle || bad "no re-convergence after the partial collapse"
shot 4-partial
read -r _ _ _ _ ST _ A _ <<<"$(row $P)"
[ "$ST" = partial ] && awk -v a="$A" 'BEGIN{exit !(a>0.49 && a<0.51)}' && ok "row $P is partial with alpha $A" || bad "row $P is $ST alpha $A"
read -r _ _ _ _ ST _ <<<"$(row $T)"
[ "$ST" = collapsed ] && ok "row $T stays collapsed" || bad "row $T became $ST"

# 3. Undo with the button: the partial collapse goes, the full one stays.
read -r BX BY <<<"$(rect_centre undo)"
click "$BX" "$BY"
wait_idle
shot 5-undo
read -r _ _ _ _ ST _ <<<"$(row $P)"; read -r _ _ _ _ ST2 _ <<<"$(row $T)"
[ "$ST" = free ] && [ "$ST2" = collapsed ] && ok "undo (button) removed the partial collapse only" || bad "after undo: row $P $ST, row $T $ST2"
# 4. Undo with Ctrl+Z: back to the start.
xdotool mousemove 700 60; xdotool key ctrl+z; sleep 0.5
wait_idle
read -r _ _ _ _ ST _ <<<"$(row $T)"
[ "$ST" = free ] && ok "undo (Ctrl+Z) removed the full collapse" || bad "after Ctrl+Z row $T is $ST"

# 5. A bad checkpoint opened from the UI: the error shows in the window, the session stays.
echo "not a checkpoint" >"$WORK/bad.safetensors"
ERR0=$(field error_seq)
xdotool key ctrl+o
for _ in $(seq 20); do dump; grep -q "^rect open_path" "$STATE" && break; sleep 0.3; done
grep -q "^rect open_path" "$STATE" && ok "Ctrl+O opened the checkpoint dialog" || bad "no checkpoint dialog"
sleep 0.5  # the path box takes the keyboard focus a frame after the dialog appears
xdotool key ctrl+a; xdotool type --delay 20 "$WORK/bad.safetensors"; sleep 0.3; xdotool key Return
for _ in $(seq 20); do dump; [ "$(field error_seq)" -gt "$ERR0" ] && break; sleep 0.3; done
shot 6-bad-checkpoint
[ "$(field error_seq)" -gt "$ERR0" ] && [ "$(field loaded)" = 1 ] && [ "$(field length)" = "$LEN" ] \
  && ok "a bad checkpoint shows an error and the session stays" || bad "bad checkpoint: error_seq $(field error_seq), loaded $(field loaded)"
kill -0 $PID 2>/dev/null && ok "the lab is still running" || bad "the lab died on a bad checkpoint"

# 6. A good checkpoint from the same dialog: a fresh session (one history step) on it.
CKPT="$HERE/../checkpoints/default.safetensors"
ERR1=$(field error_seq)
xdotool key ctrl+o
for _ in $(seq 20); do dump; grep -q "^rect open_path" "$STATE" && break; sleep 0.3; done
sleep 0.5
xdotool key ctrl+a; xdotool type --delay 20 "$CKPT"; sleep 0.3; xdotool key Return; sleep 1
xdotool mousemove 700 60
# The new session replaces the history (one step); a slow build (sanitizers) gets there later.
for _ in $(seq 120); do dump && [ "$(field nodes)" = 1 ] && break; sleep 0.5; done
wait_idle
shot 7-reopened
[ "$(field nodes)" = 1 ] && [ "$(field error_seq)" = "$ERR1" ] && [ "$(field converged)" = 1 ] \
  && ok "opening a checkpoint from the UI starts a fresh converged session" \
  || bad "reopen: nodes $(field nodes), errors $(field error_seq): $(grep '^error ' "$STATE")"

# 7. What a person did by hand replays exactly: collapse a row, save the session script and the
#    view from the Export window (Ctrl+E), then run the script through `wfc export` headless.
NP=$(field n_past); T=$((NP + 2))
read -r _ _ X Y _ <<<"$(row $T)"
click "${X%.*}" "${Y%.*}"
dump
read -r BX BY <<<"$(rect_centre collapse_argmax)"
click "$BX" "$BY"
wait_idle
xdotool key ctrl+e; sleep 0.8; dump
read -r BX BY <<<"$(rect_centre save_script)"
[ -n "$BX" ] && ok "Ctrl+E opened the export window" || bad "no export window"
click "$BX" "$BY"
read -r BX BY <<<"$(rect_centre export_view)"
click "$BX" "$BY"; sleep 1
read -r BX BY <<<"$(rect_centre save_data)"
click "$BX" "$BY"; sleep 0.5
xdotool mousemove 700 60
wait_idle
shot 8-export
[ -s "$WORK/wfc-session.txt" ] && ok "session script saved ($(grep -vc '^#' "$WORK/wfc-session.txt") lines)" || bad "no session script"
if [ -s "$WORK/wfc-export/view_001.png" ]; then
  ok "view exported: $(identify -format '%wx%h' "$WORK/wfc-export/view_001.png") PNG"
else bad "no exported view"; fi
# The window as data: one CSV line per row and JSON with token text, the collapsed row included.
CSV="$WORK/wfc-export/data_001.csv"
if [ -s "$CSV" ]; then
  [ "$(($(wc -l <"$CSV") - 1))" = "$(field length)" ] && head -1 "$CSV" | grep -q '^position,row,status,entropy,alpha,argmax_id,argmax_text,top1_id' \
    && ok "data saved: $CSV has a header and $(field length) rows" || bad "data CSV: $(head -1 "$CSV"), $(wc -l <"$CSV") lines"
  python3 - "$WORK/wfc-export/data_001.json" $((T)) "$(field offset)" <<'PY' && ok "data JSON: row $T is collapsed, with its token text" || bad "data JSON does not hold the collapsed row"
import json, sys
j = json.load(open(sys.argv[1])); r = j["rows"][int(sys.argv[2])]
assert r["status"] == "collapsed" and r["position"] == int(sys.argv[3]) + int(sys.argv[2]) and r["argmax"]["text"] not in ("", "?"), r
PY
else bad "Save data wrote no $CSV"; fi
if "$WFC" export --script "$WORK/wfc-session.txt" --out "$WORK/replay" --format svg >/dev/null 2>"$WORK/replay.err"; then
  last=$(tail -1 "$WORK/replay/frames.jsonl")
  want_status=$(awk '$1=="row" {print $5}' "$STATE" | tr '\n' ' ')
  got_status=$(grep -o '"status":\[[^]]*\]' <<<"$last" | tr -d '"status:[]' | tr ',' '\n' \
               | awk '{split("past free collapsed partial pinned", n, " "); printf "%s ", n[$1+1]}')
  [ "$want_status" = "$got_status" ] && ok "the replay ends with the lab's statuses" || bad "replay statuses: $got_status vs lab $want_status"
  want_h=$(awk '$1=="row" {print $6}' "$STATE" | tr '\n' ' ')
  got_h=$(grep -o '"entropy":\[[^]]*\]' <<<"$last" | sed 's/"entropy":\[//; s/\]//' | tr ',' ' ')
  worst=$(awk -v a="$want_h" -v b="$got_h" 'BEGIN{n=split(a,x," "); split(b,y," "); m=0; for(i=1;i<=n;i++){d=x[i]-y[i]; if(d<0)d=-d; if(d>m)m=d}; print m}')
  awk -v w="$worst" 'BEGIN{exit !(w < 1e-4)}' && ok "the replay ends with the lab's entropies (max difference $worst nats)" \
    || bad "replay entropies differ by up to $worst nats"
else
  bad "the saved script does not replay: $(cat "$WORK/replay.err")"
fi

# 8. Collapse to anything: type a phrase in the popup; its tokens fill the rows from there on.
xdotool key Escape; sleep 0.3
wait_idle
NP=$(field n_past); T=$((NP + 4))
read -r _ _ X Y ST _ <<<"$(row $T)"; read -r _ _ _ _ ST2 _ <<<"$(row $((T + 1)))"
[ "$ST" = free ] && [ "$ST2" = free ] || bad "rows $T, $((T + 1)) should start free: $ST, $ST2"
click "${X%.*}" "${Y%.*}"; dump
read -r BX BY <<<"$(rect_centre collapse_text_box)"
if [ -n "$BX" ]; then
  click "$BX" "$BY"; xdotool type --delay 30 " of the"; sleep 0.3; dump
  read -r BX BY <<<"$(rect_centre collapse_text)"
  click "$BX" "$BY"
  wait_idle
  read -r _ _ _ _ S1 _ _ A1 <<<"$(row $T)"; read -r _ _ _ _ S2 _ _ A2 <<<"$(row $((T + 1)))"
  # The phrase's token ids, from the checkpoint's own tokenizer (the CLI's trace of the same text).
  "$WFC" generate --prompt " of the" --tokens 1 --trace "$WORK/ofthe.jsonl" >/dev/null 2>&1
  WANT=$(python3 -c 'import json,sys; j=json.loads(open(sys.argv[1]).readline()); print(*j["argmax_text"][:j["n_past"]])' "$WORK/ofthe.jsonl" 2>/dev/null)
  [ "$S1" = collapsed ] && [ "$S2" = collapsed ] && ok "collapse to text: rows $T and $((T + 1)) collapsed" \
    || bad "collapse to text: rows $T, $((T + 1)) are $S1, $S2"
  GOT=$(python3 - "$STATE" $T <<'PY'
import sys
rows = {int(l.split()[1]): l.split() for l in open(sys.argv[1]) if l.startswith("row ")}
t = int(sys.argv[2]); print(rows[t][7], rows[t + 1][7])
PY
)
  WANT_IDS=$(python3 -c 'import json,sys; j=json.loads(open(sys.argv[1]).readline()); print(*j["argmax"][:j["n_past"]])' "$WORK/ofthe.jsonl" 2>/dev/null)
  [ -n "$WANT_IDS" ] && [ "$GOT" = "$WANT_IDS" ] && ok "their tokens are the phrase's ($WANT: ids $GOT)" || bad "rows hold ids $GOT, the phrase is $WANT_IDS ($WANT)"
else bad "no collapse-to-text box in the popup"; fi

# 9. The policy's preview: the rows ringed before N are the rows N collapses.
wait_idle
PREV=$(awk '$1=="preview" {$1=""; print; exit}' "$STATE" | xargs)
OFF=$(field offset)
BEFORE_SET=$(awk '$1=="row" && $5!="free" && $5!="past" {print $2}' "$STATE" | while read -r r; do echo $((OFF + r)); done | xargs)
if [ -n "$PREV" ]; then
  xdotool key n; sleep 0.5; wait_idle
  # Every position N collapsed (the history label lists them) against the rings shown before.
  GOT=$(awk '$1=="row" && $5!="free" && $5!="past" {print $2}' "$STATE" | while read -r r; do echo $((OFF + r)); done | sort -n | xargs)
  NEW=$(comm -13 <(tr ' ' '\n' <<<"$BEFORE_SET" | sort) <(tr ' ' '\n' <<<"$GOT" | sort) | sort -n | xargs)
  [ "$NEW" = "$(tr ' ' '\n' <<<"$PREV" | sort -n | xargs)" ] && ok "N collapsed exactly the ringed positions ($PREV)" \
    || bad "N collapsed $NEW, the preview said $PREV"
else bad "no preview rows in the dump"; fi

# 10. Training, live: a run directory added from the window; lines appended while it is open show
#     up; its newest checkpoint opens in the lab.
RUN="$WORK/run"; mkdir -p "$RUN"
for s in 10 20; do
  echo "{\"kind\":\"train\",\"step\":$s,\"tokens\":$((s * 4096)),\"loss\":$((20 - s / 10)),\"loss_by_iter\":[$((9 - s / 10))],\"tokens_per_s\":3000}" >>"$RUN/metrics.jsonl"
done
xdotool key F5; sleep 0.6; dump
read -r BX BY <<<"$(rect_centre run_input)"
if [ -n "$BX" ]; then
  click "$BX" "$BY"; xdotool type --delay 10 "$RUN"; sleep 0.3; dump
  read -r BX BY <<<"$(rect_centre add_run)"; click "$BX" "$BY"; sleep 0.5; dump
  [ "$(awk -v d="$RUN" '$1=="run" && $2==d {print $3; exit}' "$STATE")" = 2 ] && ok "Training plots the run added from the window (2 points)" \
    || bad "Training: $(grep '^run ' "$STATE")"
  echo '{"kind":"eval","step":20,"first_future_nll":4.4,"val_loss":6.1,"entropy_by_distance":[3.9,5.3,6.0]}' >>"$RUN/metrics.jsonl"
  echo '{"kind":"train","step":30,"tokens":122880,"loss":17,"loss_by_iter":[6.5],"tokens_per_s":3100}' >>"$RUN/metrics.jsonl"
  sleep 1.8; dump
  read -r _ _ NT NE _ <<<"$(awk -v d="$RUN" '$1=="run" && $2==d' "$STATE")"
  [ "$NT" = 3 ] && [ "$NE" = 1 ] && ok "lines appended while the window is open show up (3 train, 1 eval)" || bad "after appending: $NT train, $NE eval"
  shot 10-training
  # The plots as a figure in the frames' look: PNG and SVG, from the window's buttons.
  read -r BX BY <<<"$(rect_centre training_png)"; click "$BX" "$BY"; sleep 0.5; dump
  PNG=$(field training_exported)
  # The run's curve is drawn in its series colour (#e69e00, viz/theme.h series_colour(0)).
  n=$(convert "$PNG" -unique-colors txt:- 2>/dev/null | sed -n 's/^[^(]*(\([0-9]*\),\([0-9]*\),\([0-9]*\).*/\1 \2 \3/p' \
    | awk '{d=($1-230)^2+($2-158)^2+($3-0)^2; if (d<900) c++} END {print c+0}')
  [ -f "$PNG" ] && [ "${n:-0}" -gt 0 ] && ok "Export PNG wrote $PNG ($(identify -format %wx%h "$PNG"), $n shades of the run's colour)" \
    || bad "Export PNG: '$PNG' ($n shades of the run's colour)"
  read -r BX BY <<<"$(rect_centre training_svg)"; click "$BX" "$BY"; sleep 0.5; dump
  SVG=$(field training_exported)
  CURVES=$(grep -c '<polyline fill="none" stroke="#e69e00"' "$SVG" 2>/dev/null)
  [ "${SVG##*.}" = svg ] && [ "${CURVES:-0}" -ge 3 ] && grep -qF "$(basename "$RUN")" "$SVG" \
    && ok "Export SVG wrote $SVG with the run's name and $CURVES lines in its colour (curves and legend)" \
    || bad "Export SVG: '$SVG' ($CURVES lines in the run's colour)"
  cp "$CKPT" "$RUN/ckpt.safetensors"
  read -r BX BY <<<"$(rect_centre open_run_ckpt_0)"; click "$BX" "$BY"
  for _ in $(seq 60); do dump && [ "$(field checkpoint)" = "$RUN/ckpt.safetensors" ] && [ "$(field nodes)" = 1 ] && break; sleep 0.5; done
  [ "$(field checkpoint)" = "$RUN/ckpt.safetensors" ] && ok "Open newest checkpoint opened $RUN/ckpt.safetensors in the lab" \
    || bad "open newest checkpoint: the lab shows $(field checkpoint)"
  xdotool key F5
else bad "no Training window after F5"; fi

# 11. A comparison: the same checkpoint again (any checkpoint compares; the AR baseline is the
#     usual one) from File > Compare (the Open window's Compare button); it follows the actions.
xdotool key ctrl+o; sleep 0.6; dump
# The path box has the focus and its text selected on opening: typing replaces it (as in step 6).
xdotool key ctrl+a; xdotool type --delay 20 "$CKPT"; sleep 0.3; dump
read -r BX BY <<<"$(rect_centre compare_button)"
if [ -n "$BX" ]; then
  click "$BX" "$BY"
  for _ in $(seq 60); do dump && [ "$(field compare_points)" -gt 0 ] 2>/dev/null && break; sleep 0.5; done
  CP=$(field compare_points)
  [ "$(field compare)" = "$CKPT" ] && [ "${CP:-0}" -gt 0 ] && ok "compare: $CKPT drawn over $CP positions" \
    || bad "compare: $(field compare), $CP points, error $(grep '^compare_error' "$STATE")"
  NP=$(field n_past); T=$((NP + 2))
  read -r _ _ X Y _ <<<"$(row $T)"; click "${X%.*}" "${Y%.*}"; dump
  read -r BX BY <<<"$(rect_centre collapse_argmax)"; click "$BX" "$BY"; wait_idle; sleep 1; dump
  OFF=$(field offset)
  grep -qw -- "$((OFF + T))" <<<"$(grep '^compare_collapsed' "$STATE")" && [ -z "$(grep '^compare_error .' "$STATE")" ] \
    && ok "the comparison followed the collapse at $((OFF + T)) ($(grep '^compare_collapsed' "$STATE"))" \
    || bad "the comparison did not follow the collapse at $((OFF + T)): $(grep '^compare' "$STATE" | tr '\n' ' ')"
  shot 11-compare
else bad "no Compare button in the Open window"; fi

# 12. A counterfactual past: click a past row in the plot, type a word, Replace; the past token
#     changes, the future re-converges, and What changed says it was an edit.
xdotool key Escape; sleep 0.3
wait_idle
NP=$(field n_past); P=$((NP - 2)); OFF=$(field offset)
read -r _ _ X Y ST _ _ OLD <<<"$(row $P)"
if [ "$ST" = past ] && [ "${X%.*}" -gt 0 ]; then
  CONV0=$(field converges)
  click "${X%.*}" "${Y%.*}"; dump
  [ "$(field edit_popup_open)" = 1 ] && ok "clicking past row $P opened the edit popup" || bad "no edit popup after clicking past row $P"
  read -r BX BY <<<"$(rect_centre edit_text_box)"
  click "$BX" "$BY"; xdotool type --delay 30 " city"; sleep 0.3; dump
  read -r BX BY <<<"$(rect_centre edit_replace)"; click "$BX" "$BY"
  wait_idle
  "$WFC" generate --prompt " city" --tokens 1 --trace "$WORK/city.jsonl" >/dev/null 2>&1
  WANT=$(python3 -c 'import json,sys; j=json.loads(open(sys.argv[1]).readline()); print(*j["argmax"][:j["n_past"]])' "$WORK/city.jsonl" 2>/dev/null)
  read -r _ _ _ _ ST2 _ _ NEW <<<"$(row $P)"
  [ "$ST2" = past ] && [ -n "$WANT" ] && [ "$NEW" = "$WANT" ] && [ "$NEW" != "$OLD" ] \
    && ok "past position $((OFF + P)) now holds ' city' (id $OLD -> $NEW)" || bad "past row $P: $ST2, id $OLD -> $NEW, want $WANT"
  [ "$(field converges)" -gt "$CONV0" ] && [ "$(field effect_edit)" = 1 ] && [ "$(field effect_pos)" = $((OFF + P)) ] \
    && ok "the future re-converged; What changed measured the edit at $((OFF + P))" \
    || bad "after the edit: converges $CONV0 -> $(field converges), effect_edit $(field effect_edit), effect_pos $(field effect_pos)"
  shot 12-edit
else bad "row $P is not a past row shown in the plot ($ST at $X)"; fi

xdotool key ctrl+q
for _ in $(seq 40); do kill -0 $PID 2>/dev/null || break; sleep 0.25; done
kill -0 $PID 2>/dev/null && { bad "Ctrl+Q did not quit the lab"; kill $PID; }
wait $PID; RC=$?
[ "$RC" = 0 ] && ok "the lab quit cleanly (Ctrl+Q)" || bad "lab exit code $RC: $(cat "$WORK/lab.err")"
# Recent files: the checkpoint that opened is first; the one that failed is not there.
RECENT="$(cat "$WORK/cfg/recent.txt" 2>/dev/null)"
# The last one opened (step 10's run directory holds a copy of the bundled one) first, then the bundled one.
[ "$(head -1 <<<"$RECENT")" = "$(realpath "$WORK/run/ckpt.safetensors")" ] && [ "$(sed -n 2p <<<"$RECENT")" = "$(realpath "$CKPT")" ] \
  && ok "recent files start with the checkpoints opened, newest first" || bad "recent files: $RECENT"
grep -qF "bad.safetensors" <<<"$RECENT" && bad "a checkpoint that failed to open is in recent files" \
  || ok "the checkpoint that failed is not in recent files"
grep -q "UI work per frame" "$WORK/lab.out" && ok "frame times printed: $(grep 'UI work' "$WORK/lab.out")" || bad "no frame-time line"
grep -q "click -> re-converged" "$WORK/lab.out" && ok "$(grep 'click ->' "$WORK/lab.out")" || bad "no click latency line"
# 13. At 1280x720 (a second lab on a smaller screen, with the layout the 1600x900 lab saved): the
#     saved layout does not fit, so it is reset, and every control of the Controls window is
#     wholly inside it, the seed, future rows and mask included, without scrolling.
mkdir -p "$WORK/small"; cp -r "$WORK/cfg" "$WORK/small/cfg"
cat >"$WORK/small/run.sh" <<'SH'
WFC="$1"; D="$2"
"$WFC" view --config-dir "$D/cfg" --dump "$D/state.txt" --quit-after 60 >"$D/lab.out" 2>"$D/lab.err" &
P=$!
W=$(timeout 60 xdotool search --sync --name "wfc lab" | head -1)
for _ in $(seq 120); do
  rm -f "$D/state.txt"; xdotool key --window "$W" F12 2>/dev/null; sleep 0.5
  grep -q '^loaded 1' "$D/state.txt" 2>/dev/null && grep -q '^busy 0' "$D/state.txt" && break
done
sleep 0.5; rm -f "$D/state.txt"; xdotool key --window "$W" F12; sleep 0.6
import -window root "$D/screen.png"
kill $P 2>/dev/null; wait $P 2>/dev/null
SH
xvfb-run -a -s "-screen 0 1280x720x24" bash "$WORK/small/run.sh" "$WFC" "$WORK/small" >/dev/null 2>&1
cp "$WORK/small/screen.png" "$WORK/13-small.png" 2>/dev/null
[ "$(awk '$1=="layout_reset" {print $2}' "$WORK/small/state.txt" 2>/dev/null)" = 1 ] \
  && ok "1280x720: the 1600x900 layout did not fit and was reset" || bad "1280x720: the saved layout was not reset"
for r in play collapse_next undo redo reset future_rows seed mask; do
  V=$(awk -v n="$r" '$1=="rect" && $2==n {print $7; exit}' "$WORK/small/state.txt" 2>/dev/null)
  [ "$V" = 1 ] && ok "1280x720: '$r' is wholly inside its window" || bad "1280x720: '$r' is cut off or missing ($V)"
done
for f in 1-start 2-popup 3-collapsed 3b-effect 3c-evolution 10-training 11-compare 12-edit 13-small 4-partial 5-undo 6-bad-checkpoint 7-reopened 8-export; do
  n=$(convert "$WORK/$f.png" -format %k info: 2>/dev/null || echo 0)
  [ "${n:-0}" -gt 50 ] && ok "screenshot $f.png has $n colours" || bad "screenshot $f.png looks blank ($n colours)"
done
[ -f "$WORK/cfg/imgui.ini" ] && ok "layout saved to imgui.ini" || bad "no imgui.ini written"
finish
