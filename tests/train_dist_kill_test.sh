#!/usr/bin/env bash
# A rank that dies: SIGKILL rank 1 of a 2-rank `wfc train --nproc 2`; rank 0 must stop on its own
# within 60 s with a message naming rank 1, the launcher names how rank 1 ended, and the last
# committed checkpoint stays whole and resumable (on one rank). Then a rank that never joins:
# rank 0 of a world of 2 started alone must give up after its --dist-timeout, naming rank 1.
# Usage: train_dist_kill_test.sh WFC WORK DATA_DIR
WFC="$1"; WORK="$2"; DATA="$3"
rm -rf "$WORK"; mkdir -p "$WORK"
source "$(dirname "$0")/lib.sh"
TINY=(--train-files "$DATA/tiny.txt" --val-files "$DATA/tiny.txt" --vocab-size 400 --block-size 32
      --n-layer 2 --n-head 2 --n-embd 32 --batch 8 --lr 3e-3 --warmup 2 --eval-every 0 --eval-windows 4
      --eval-future 8 --eval-reconverge 1 --log-every 1 --future-max 12 --threads 1 --device cpu)
# One tokenizer for both parts (trained once, ~1 s).
"$WFC" train "${TINY[@]}" --out "$WORK/tok" --steps 1 --ckpt-every 0 >/dev/null 2>&1 ||
  { bad "training the tokenizer failed"; finish; exit 1; }
TINY+=(--tokenizer "$WORK/tok/tokenizer.model")

RUN="$WORK/run"
"$WFC" train "${TINY[@]}" --out "$RUN" --steps 100000 --ckpt-every 2 --nproc 2 --dist-timeout 50 \
  >"$WORK/out.txt" 2>"$WORK/err.txt" &
launcher=$!
deadline=$((SECONDS + 60))
while kill -0 $launcher 2>/dev/null && ! grep -q '^checkpoint: .*(step 4)' "$WORK/err.txt" && [ $SECONDS -lt $deadline ]; do
  sleep 0.05
done
rank1="$(sed -n 's/^launch: 2 ranks.*, pids [0-9]*, \([0-9]*\)$/\1/p' "$WORK/err.txt")"
[ -n "$rank1" ] && ok "the launcher printed the ranks' pids (rank 1: $rank1)" || bad "no pid for rank 1 in: $(head -3 "$WORK/err.txt")"
t0=$(date +%s%N)
kill -9 "$rank1"
wait $launcher; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
ERR="$(cat "$WORK/err.txt")"
[ $rc != 0 ] && ok "the run exits non-zero ($rc) when rank 1 dies" || bad "exit 0 after rank 1 died"
[ $ms -lt 60000 ] && ok "the run stopped ${ms} ms after rank 1 was killed (limit 60 s)" || bad "the run took ${ms} ms to stop"
expect_contains "$ERR" "launch: rank 1 (pid $rank1) was killed by SIGKILL" "the launcher names rank 1 and its cause"
msg="$(grep '^wfc train: rank 0:' <<<"$ERR")"
echo "  rank 0 says: $msg"
expect_contains "$msg" "rank 1 stopped answering" "rank 0 names rank 1"
# "exited with code", not "was killed by": the launcher kills a straggler 35 s after the first
# failure, so only this line shows that rank 0 stopped on its own.
grep -qE "^launch: rank 0 \(pid [0-9]+\) exited with code [1-9]" <<<"$ERR" \
  && ok "and rank 0 exited on its own, not killed by the launcher" || bad "rank 0 did not exit on its own: $(grep '^launch: rank 0' <<<"$ERR")"
expect_rc 0 "the last committed checkpoint is whole" -- "$WFC" info "$RUN/ckpt.safetensors" --json
step="$(grep -o '"step": *[0-9]*' <<<"$OUT" | head -1 | grep -o '[0-9]*$')"
[ -n "$step" ] && [ "$step" -ge 4 ] && ok "it holds step $step (>= 4)" || bad "no step >= 4 in: $OUT"
ls "$RUN"/*.tmp.* "$RUN"/commit/*.tmp.* >/dev/null 2>&1 && bad "temp files left: $(ls "$RUN" "$RUN/commit")" || ok "no temp files left"
expect_rc 0 "the run resumes from it on one rank" -- "$WFC" train --out "$RUN" --resume --steps $((step + 1))
expect_contains "$ERR" "resuming at step $step" "resumed at the committed step"
expect_contains "$ERR" "written by 2 rank(s), continues on 1" "the resume says the world size changed"

# A rank that never joins: rank 0 of 2 alone, with a 5 s timeout (port: the kernel's free one).
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
        echo $((20000 + $$ % 20000)))"
t0=$(date +%s%N)
RANK=0 WORLD_SIZE=2 LOCAL_RANK=0 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
  "$WFC" train "${TINY[@]}" --out "$WORK/alone" --steps 3 --dist-timeout 5 >"$WORK/.stdout" 2>"$WORK/.stderr"
rc=$?; ms=$(( ($(date +%s%N) - t0) / 1000000 )); ERR="$(cat "$WORK/.stderr")"
[ $rc = 1 ] && ok "a world with a missing rank exits 1 after ${ms} ms" || bad "missing rank: exit $rc: $ERR"
[ $ms -lt 30000 ] && ok "within the 5 s timeout plus start-up" || bad "took ${ms} ms"
expect_contains "$ERR" "rank 1 never joined within 5 s" "the message names the missing rank"
echo "  alone: $(tail -1 <<<"$ERR")"

# Bad input found by the ranks (not by the launcher's own checks): one line, exit 2, and no wait
# for the --dist-timeout. The lock is taken by rank 0 alone, so rank 1 would wait for it; a missing
# corpus fails on both ranks at once.
mkdir -p "$WORK/locked"
# Held by this shell itself (a background holder would keep ctest's output pipe open after the test).
exec 9>"$WORK/locked/.lock"; flock 9
t0=$(date +%s%N)
expect_rc 2 "--nproc 2 into a directory another trainer holds" -- \
  "$WFC" train "${TINY[@]}" --out "$WORK/locked" --steps 3 --nproc 2 --dist-timeout 50
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
exec 9>&-
[ $ms -lt 20000 ] && ok "refused in ${ms} ms (the ranks do not wait out the 35 s grace)" || bad "took ${ms} ms"
expect_contains "$ERR" "another wfc train is running in this run directory" "rank 0 names the lock"
one_error() {  # one_error DESCRIPTION: one 'wfc train:' line, and no launcher line about a rank
  local n; n=$(grep -c '^wfc train:' <<<"$ERR")
  [ "$n" = 1 ] && ! grep -q '^launch: rank' <<<"$ERR" && ok "$1: one line" || bad "$1: $n error lines: $ERR"
}
one_error "a locked run under --nproc"
t0=$(date +%s%N)
expect_rc 2 "--nproc 2 with a missing corpus" -- "$WFC" train "${TINY[@]}" --train-files "$WORK/nothing.txt" \
  --out "$WORK/missing" --steps 3 --nproc 2 --dist-timeout 50
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $ms -lt 20000 ] && ok "refused in ${ms} ms" || bad "took ${ms} ms"
expect_contains "$ERR" "nothing.txt" "the message names the file"
one_error "a missing corpus under --nproc (not one line per rank)"

# Ctrl+C while the ranks start up: nothing to save yet, so every process ends at once instead of
# one rank waiting out the --dist-timeout for a peer that is gone.
"$WFC" train "${TINY[@]}" --out "$WORK/early" --steps 100000 --nproc 2 --dist-timeout 50 \
  >"$WORK/.stdout" 2>"$WORK/early.txt" &
launcher=$!
while kill -0 $launcher 2>/dev/null && ! grep -q '^launch: 2 ranks' "$WORK/early.txt"; do sleep 0.01; done
t0=$(date +%s%N)
kill -INT $launcher
wait $launcher; rc=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ $rc = 130 ] && ok "SIGINT during start-up exits 130" || bad "SIGINT during start-up: exit $rc: $(cat "$WORK/early.txt")"
[ $ms -lt 15000 ] && ok "and ends ${ms} ms after the signal (timeout 50 s)" || bad "took ${ms} ms to end"
pgrep -f "$WORK/early" >/dev/null && bad "a rank is still running" || ok "no rank left running"
[ -e "$WORK/early/ckpt.safetensors" ] && bad "a checkpoint was saved before any step" || ok "nothing saved (no step was taken)"

# Ctrl+C while 2 ranks train: every rank finishes the step, rank 0 saves, all exit 130 together
# (rank 1 used to end at once, so rank 0's next all-reduce failed and nothing was saved).
"$WFC" train "${TINY[@]}" --out "$WORK/stop" --steps 100000 --ckpt-every 0 --nproc 2 --dist-timeout 50 \
  >"$WORK/.stdout" 2>"$WORK/stop.txt" &
launcher=$!
while kill -0 $launcher 2>/dev/null && ! grep -q '^step 3/' "$WORK/stop.txt"; do sleep 0.02; done
kill -INT $launcher
wait $launcher; rc=$?
ERR="$(cat "$WORK/stop.txt")"
[ $rc = 130 ] && ok "SIGINT while 2 ranks train exits 130" || bad "SIGINT while training under --nproc: exit $rc: $ERR"
expect_contains "$ERR" "stopped by SIGINT after step" "rank 0 says where it stopped"
grep -q '^launch: rank' <<<"$ERR" && bad "the launcher reports a rank: $(grep '^launch: rank' <<<"$ERR")" || ok "no rank failed"
expect_rc 0 "the saved checkpoint loads" -- "$WFC" info "$WORK/stop/ckpt.safetensors"

# Launcher variables are checked by the strict number parser: one line, exit 2.
expect_rc 2 "a malformed WORLD_SIZE is refused" -- env RANK=0 WORLD_SIZE=2x "$WFC" train "${TINY[@]}" --out "$WORK/bad" --steps 1
expect_contains "$ERR" "environment WORLD_SIZE" "the message names the variable"
one_line "$ERR" "malformed WORLD_SIZE"
expect_rc 2 "a RANK outside the world is refused" -- env RANK=2 WORLD_SIZE=2 "$WFC" train "${TINY[@]}" --out "$WORK/bad" --steps 1
expect_contains "$ERR" "environment RANK" "the message names the variable"
finish
