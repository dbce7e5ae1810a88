#!/usr/bin/env bash
# Peak RSS of tokenising and of training on a generated corpus of ~2 MB and of ~200 MB: with token
# shards memory-mapped and files streamed, neither may grow with the corpus. Also prints the
# tokenisation throughput. The corpora are generated under $WORK (default /tmp/wfc_corpus_rss) by
# shuffling the lines of tests/data/*.txt, never in the repository. Runs one measurement at a time.
#
#   bench/corpus_rss.sh [WFC_BINARY] [BIG_MB]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WFC="${1:-$ROOT/build/wfc}"
BIG_MB="${2:-200}"
WORK="${WORK:-/tmp/wfc_corpus_rss}"
mkdir -p "$WORK"

# NAME BYTES SEED: shuffled copies of the sample text until the file holds BYTES.
gen_file() {
  local out="$1" want="$2" seed="$3" i=0
  [ -f "$out" ] && [ "$(stat -c%s "$out")" -ge "$want" ] && return
  : > "$out.part"
  while [ "$(stat -c%s "$out.part")" -lt "$want" ]; do
    for _ in $(seq 1 5); do
      cat "$ROOT/tests/data/tiny.txt" "$ROOT/tests/data/heldout.txt" | shuf --random-source=<(yes "$seed.$i")
      i=$((i + 1))
    done >> "$out.part"
  done
  mv "$out.part" "$out"
}
echo "generating corpora in $WORK ..."
gen_file "$WORK/small.txt" 2000000 small
mkdir -p "$WORK/big"
# The big corpus is a directory of 10 MB files: it goes through directory expansion too.
block="$WORK/block.txt"
gen_file "$block" 10000000 block
for k in $(seq -w 1 $((BIG_MB / 10))); do
  [ -f "$WORK/big/part-$k.txt" ] || shuf --random-source=<(yes "$k") "$block" > "$WORK/big/part-$k.txt"
done
echo "small: $(du -b "$WORK/small.txt" | cut -f1) bytes; big: $(du -sb "$WORK/big" | cut -f1) bytes in $(ls "$WORK/big" | wc -l) files"
[ -z "${GEN_ONLY:-}" ] || exit 0

# A tokenizer trained once on the small corpus, shared by every run (same vocabulary, same model).
MODEL=(--vocab-size 2048 --block-size 64 --n-layer 2 --n-head 2 --n-embd 64)
TRAIN=(--steps 3 --batch 8 --warmup 1 --eval-every 0 --eval-windows 4 --eval-future 8 --eval-reconverge 1
       --ckpt-every 0 --log-every 1 --threads 2 --device cpu)
if [ ! -f "$WORK/tok/tokenizer.model" ]; then
  rm -rf "$WORK/tok"
  "$WFC" train --out "$WORK/tok" --train-files "$WORK/small.txt" --val-files "$WORK/small.txt" \
    "${MODEL[@]}" "${TRAIN[@]}" > /dev/null
fi

# LABEL CMD...: prints peak RSS and wall time of one run; keeps its stderr in $WORK/LABEL.log.
measure() {
  local label="$1"; shift
  /usr/bin/time -v "$@" > "$WORK/$label.out" 2> "$WORK/$label.log" || { tail -5 "$WORK/$label.log"; exit 1; }
  local rss wall
  rss=$(awk -F': ' '/Maximum resident set size/{print $2}' "$WORK/$label.log")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$WORK/$label.log")
  printf '%-34s peak RSS %7.1f MB   wall %s\n' "$label" "$(echo "$rss / 1024" | bc -l)" "$wall"
  grep -h "encoded" "$WORK/$label.log" "$WORK/$label.out" 2>/dev/null | sed 's/^/    /' || true
}

for size in small big; do
  if [ "$size" = small ]; then corpus="$WORK/small.txt"; else corpus="$WORK/big"; fi
  rm -rf "$WORK/run_$size"
  # 1. tokenise the corpus (no cache: wfc eval streams it into a temporary shard) and score 4 windows
  measure "tokenise+eval ($size)" "$WFC" eval "$WORK/tok/ckpt.safetensors" --val-files "$corpus" \
    --windows 4 --future 8 --reconverge 0 --threads 2
  # 2. a fresh run: tokenise into the run's shards, then train 3 steps
  measure "tokenise+train 3 steps ($size)" "$WFC" train --out "$WORK/run_$size" --tokenizer "$WORK/tok/tokenizer.model" \
    --train-files "$corpus" --val-files "$WORK/small.txt" "${MODEL[@]}" "${TRAIN[@]}"
  # 3. the same run again on its cached shards (hash check, map, train)
  rm -f "$WORK/run_$size"/ckpt*
  measure "train 3 steps, shards cached ($size)" "$WFC" train --out "$WORK/run_$size" --tokenizer "$WORK/tok/tokenizer.model" \
    --train-files "$corpus" --val-files "$WORK/small.txt" "${MODEL[@]}" "${TRAIN[@]}"
  ls -l "$WORK/run_$size"/*.tokens | awk '{print "    " $5 " bytes  " $9}'
done
