#!/usr/bin/env bash
# Crash-safe training: SIGKILL a tiny `wfc train` (a checkpoint every step) at random moments, and
# resume after each kill. No resume may be refused, and the run ends in exactly the state of an
# uninterrupted one (the same loss at every step). Then a full disk (a file-size limit) during a
# save: the save fails with a message, the committed unit stays, and the run resumes.
# Usage: train_kill_test.sh WFC WORK DATA_DIR [KILLS]
WFC="$1"; WORK="$2"; DATA="$3"; KILLS="${4:-24}"
rm -rf "$WORK"; mkdir -p "$WORK"
source "$(dirname "$0")/lib.sh"
SEED="${WFC_KILL_SEED:-$$}"; RANDOM=$SEED
echo "random seed $SEED (WFC_KILL_SEED=$SEED repeats this run)"

STEPS=300  # enough that 24 kills land before the end also on an idle machine (120 ran out after 19)
TINY=(--train-files "$DATA/tiny.txt" --val-files "$DATA/tiny.txt" --vocab-size 400 --block-size 32
      --n-layer 2 --n-head 2 --n-embd 32 --batch 4 --lr 3e-3 --warmup 5 --eval-every 0 --eval-windows 2
      --eval-future 8 --eval-reconverge 1 --log-every 1 --future-max 12 --threads 1 --device cpu --seed 7)
REF="$WORK/ref"; RUN="$WORK/run"

# The uninterrupted reference (it also trains the tokenizer both runs share).
expect_rc 0 "uninterrupted reference run of $STEPS steps" -- "$WFC" train "${TINY[@]}" --out "$REF" --steps $STEPS --ckpt-every 0
losses() { grep '"kind":"train"' "$1/metrics.jsonl" | grep -o '"loss":[^,]*' ; }

killed=0; refused=0; fresh=0; in_save=0; before_train=0
t0=$SECONDS
while [ $killed -lt "$KILLS" ]; do
  if [ -e "$RUN/commit.json" ]; then args=(--out "$RUN" --resume)
  else args=("${TINY[@]}" --out "$RUN" --steps $STEPS --ckpt-every 1 --tokenizer "$REF/tokenizer.model"); fresh=$((fresh+1)); fi
  "$WFC" train "${args[@]}" >"$WORK/out.txt" 2>"$WORK/err.txt" &
  pid=$!
  # Three kills in four land in the training loop (a random 0-150 ms after the first step of this
  # process, so inside a step or a save); the rest at a random moment of start-up and resume.
  if [ $((RANDOM % 4)) -ne 0 ]; then
    while kill -0 $pid 2>/dev/null && ! grep -q '^checkpoint: ' "$WORK/err.txt"; do sleep 0.01; done
    sleep "0.$(printf '%03d' $((RANDOM % 150)))"
  else
    sleep "0.$(printf '%03d' $((RANDOM % 1000)))"
    before_train=$((before_train+1))
  fi
  if kill -9 $pid 2>/dev/null; then
    wait $pid 2>/dev/null
    killed=$((killed+1))
    # Did the kill land inside a save? Then a temp file or an uncommitted unit file is left.
    if ls "$RUN" "$RUN/commit" 2>/dev/null | grep -q '\.tmp\.[0-9]*$' || \
       [ "$(ls "$RUN/commit" 2>/dev/null | wc -l)" -gt 2 ]; then in_save=$((in_save+1)); fi
  else
    wait $pid; rc=$?
    if [ $rc -ne 0 ]; then refused=$((refused+1)); echo "refused (exit $rc): $(cat "$WORK/err.txt" | tail -2)"; fi
    if [ $rc -eq 0 ]; then echo "the run finished before $KILLS kills"; break; fi
  fi
done
echo "kills: $killed ($in_save inside a save, $before_train at a random moment of start-up), resumes refused: $refused, fresh starts: $fresh, $((SECONDS-t0)) s"
[ "$killed" -ge 20 ] && ok "$killed kills survived" || bad "only $killed kills"
[ "$refused" = 0 ] && ok "no resume refused" || bad "$refused resumes refused"
[ "$in_save" -ge 1 ] && ok "$in_save kills landed inside a save" || echo "note: no kill landed inside a save this time"

expect_rc 0 "the last resume runs to the end" -- "$WFC" train --out "$RUN" --resume
expect_contains "$ERR" "done: $RUN/ckpt.safetensors (step $STEPS)" "the run reports its final checkpoint"
if [ "$(losses "$REF")" = "$(losses "$RUN")" ] && [ "$(losses "$RUN" | wc -l)" = $STEPS ]; then
  ok "the killed run logged the reference's loss at each of $STEPS steps"
else
  bad "the killed run's losses differ from the reference: $(diff <(losses "$REF") <(losses "$RUN") | head -5)"
fi
expect_rc 0 "wfc info opens the final checkpoint" -- "$WFC" info "$RUN/ckpt.safetensors" --json
expect_contains "$OUT" "\"step\": $STEPS" "the checkpoint is at step $STEPS"
left="$(ls "$RUN" "$RUN/commit" | grep -c '\.tmp\.')"
[ "$left" = 0 ] && ok "no temp files left" || bad "$left temp files left"
[ "$(ls "$RUN/commit" | wc -l)" = 2 ] && ok "exactly one committed unit (2 files)" || bad "commit/ holds: $(ls "$RUN/commit")"

# A full disk during a save: writes beyond 120 KiB fail (EFBIG stands in for ENOSPC; SIGXFSZ
# ignored so the write returns the error instead of killing the process).
(trap '' XFSZ; ulimit -f 120; exec "$WFC" train --out "$RUN" --resume --steps $((STEPS+3))) >"$WORK/.stdout" 2>"$WORK/.stderr"
rc=$?; ERR="$(cat "$WORK/.stderr")"
[ $rc = 1 ] && ok "a save on a full disk fails (exit 1)" || bad "full disk: exit $rc, want 1: $ERR"
expect_contains "$ERR" "saving step $((STEPS+1)) failed" "the message names the step it could not save"
case "$ERR" in *"internal error"*) bad "a full disk is not an internal error: $ERR" ;; *) ok "a full disk is not called an internal error" ;; esac
expect_contains "$ERR" "the last committed checkpoint is $RUN/ckpt.safetensors (step $STEPS)" "and the checkpoint that stays"
echo "  full disk: $(tail -1 <<<"$ERR")"
[ "$(grep -o '"step": [0-9]*' "$RUN/commit.json")" = "\"step\": $STEPS" ] && ok "the manifest still names step $STEPS" || bad "manifest: $(cat "$RUN/commit.json")"
left="$(ls "$RUN" "$RUN/commit" | grep -c '\.tmp\.')"
[ "$left" = 0 ] && ok "the failed save left no temp file" || bad "$left temp files left after the failed save"
expect_rc 0 "with space again, the run resumes and finishes" -- "$WFC" train --out "$RUN" --resume --steps $((STEPS+3))
expect_contains "$ERR" "resuming at step $STEPS" "it resumed from the committed step"
finish
