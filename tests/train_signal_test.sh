#!/usr/bin/env bash
# SIGINT/SIGTERM during `wfc train`: the step in flight is finished and saved, the path is
# printed, the exit code is 130/143, and the run resumes from there. A second signal ends the
# process at once and leaves the last committed checkpoint whole.
# Usage: train_signal_test.sh WFC WORK DATA_DIR
WFC="$1"; WORK="$2"; DATA="$3"
rm -rf "$WORK"; mkdir -p "$WORK"
source "$(dirname "$0")/lib.sh"

TINY=(--train-files "$DATA/tiny.txt" --val-files "$DATA/tiny.txt" --vocab-size 400 --block-size 32
      --n-layer 2 --n-head 2 --n-embd 32 --lr 3e-3 --warmup 5 --eval-every 0 --eval-windows 2
      --eval-future 8 --eval-reconverge 1 --log-every 1 --future-max 12 --threads 1 --device cpu)
# One tokenizer for every run here.
expect_rc 0 "a 1-step run trains the shared tokenizer" -- "$WFC" train "${TINY[@]}" --batch 4 --out "$WORK/tok" --steps 1
TOK="$WORK/tok/tokenizer.model"

wait_for_line() {  # wait_for_line FILE REGEX PID: until a line matches or the process is gone
  while kill -0 "$3" 2>/dev/null && ! grep -qE "$2" "$1"; do sleep 0.02; done
}

for sig in INT TERM; do
  want=$([ $sig = INT ] && echo 130 || echo 143)
  RUN="$WORK/run-$sig"
  "$WFC" train "${TINY[@]}" --batch 4 --out "$RUN" --steps 100000 --ckpt-every 0 --tokenizer "$TOK" \
    >"$WORK/out.txt" 2>"$WORK/err.txt" &
  pid=$!
  wait_for_line "$WORK/err.txt" '^step 3/' $pid
  kill -$sig $pid
  wait $pid; rc=$?
  ERR="$(cat "$WORK/err.txt")"
  [ $rc = $want ] && ok "SIG$sig: exit $rc" || bad "SIG$sig: exit $rc, want $want: $(tail -3 <<<"$ERR")"
  line="$(grep '^stopped by' <<<"$ERR")"
  echo "  SIG$sig prints: $line"
  n="$(sed -n 's/^stopped by SIG[A-Z]* after step \([0-9]*\):.*/\1/p' <<<"$line")"
  expect_contains "$line" "stopped by SIG$sig after step $n: saved $RUN/ckpt.safetensors (step $n); continue with: wfc train --out $RUN --resume" "SIG$sig: the message names the step and the saved path"
  last_logged="$(grep -o '^step [0-9]*' <<<"$ERR" | tail -1 | cut -d' ' -f2)"
  [ -n "$n" ] && [ "$n" = "$last_logged" ] && ok "SIG$sig: saved the step in flight ($n, the last one logged)" \
    || bad "SIG$sig: saved step '$n', last logged '$last_logged'"
  expect_rc 0 "SIG$sig: wfc info opens the saved checkpoint" -- "$WFC" info "$RUN/ckpt.safetensors" --json
  expect_contains "$OUT" "\"step\": $n" "SIG$sig: the checkpoint holds step $n"
  expect_rc 0 "SIG$sig: the run resumes" -- "$WFC" train --out "$RUN" --resume --steps $((n + 2))
  expect_contains "$ERR" "resuming at step $n" "SIG$sig: resumed at the saved step"
  expect_contains "$ERR" "done: $RUN/ckpt.safetensors (step $((n + 2)))" "SIG$sig: and went on to step $((n + 2))"
done

# A second signal while the first one's step is still running: out at once, nothing new saved.
# A batch of 384 windows makes one step long enough that the second signal lands inside it.
RUN="$WORK/run-twice"
expect_rc 0 "a committed step-2 checkpoint to keep" -- "$WFC" train "${TINY[@]}" --batch 384 --out "$RUN" --steps 2 --tokenizer "$TOK"
"$WFC" train --out "$RUN" --resume --steps 100000 >"$WORK/out.txt" 2>"$WORK/err.txt" &
pid=$!
# Wait for the first step this process ran, so that the loop is running: a signal that lands
# while the run is still loading ends it before any step, printing "stopped by" at once (under
# load that made this test flaky when it waited for "resuming at step" and 0.2 s).
wait_for_line "$WORK/err.txt" '^step 3/' $pid
kill -INT $pid; sleep 0.05; t0=$(date +%s%N); kill -INT $pid
wait $pid; rc=$?
dt="$(( ($(date +%s%N) - t0) / 1000000 )) ms"
[ $rc = 130 ] && ok "a second SIGINT: exit 130" || bad "second SIGINT: exit $rc"
grep -q '^stopped by' "$WORK/err.txt" && bad "the second signal waited for the save" || ok "the second signal did not wait for the step (out $dt after it)"
expect_rc 0 "the committed checkpoint is whole" -- "$WFC" info "$RUN/ckpt.safetensors" --json
expect_contains "$OUT" '"step": 2' "and still at step 2"
# A run directory is never started over or emptied on a guess (found by a stranger's try):
# training into a committed run without --resume is refused, and a run whose commit.json is gone
# keeps its unit files when --resume says what is missing.
RUN="$WORK/run-INT"
expect_rc 2 "training into a committed run without --resume is refused" -- "$WFC" train "${TINY[@]}" --batch 4 --out "$RUN" --steps 3 --tokenizer "$TOK"
expect_contains "$ERR" "$RUN: holds a committed run" "the message names the run directory"
expect_rc 0 "and the committed run is still there" -- "$WFC" info "$RUN/ckpt.safetensors" --json
cp -a "$RUN" "$WORK/run-lost"; rm "$WORK/run-lost/commit.json"
before="$(ls "$WORK/run-lost/commit" | wc -l)"
expect_rc 2 "--resume without commit.json fails" -- "$WFC" train --out "$WORK/run-lost" --resume
[ "$before" -gt 0 ] && [ "$(ls "$WORK/run-lost/commit" | wc -l)" = "$before" ] && ok "and deletes none of the $before unit files" \
  || bad "unit files before $before, after $(ls "$WORK/run-lost/commit" | wc -l)"
# A learning rate that makes the loss overflow is the config's fault: exit 2, one line.
expect_rc 2 "a non-finite loss is bad input" -- "$WFC" train "${TINY[@]}" --batch 4 --out "$WORK/run-lr" --steps 3 --lr 1e30 --warmup 0 --tokenizer "$TOK"
last="$(tail -1 <<<"$ERR")"
expect_contains "$last" "wfc train: train: loss is not finite" "the last line says why"
expect_contains "$last" "HINT lower --lr" "and what to change"
finish
