#!/usr/bin/env bash
# Data-parallel scaling on this machine: 1 rank x 2 intra-op threads against 2 ranks x 1 thread
# (Gloo on 127.0.0.1), the same global batch and model. Prints the median tokens/s of each over
# its log lines after warm-up, for ROUNDS interleaved runs.
# Usage: bench/dist_scaling.sh WFC [ROUNDS] [STEPS]
set -euo pipefail
WFC="$1"; ROUNDS="${2:-3}"; STEPS="${3:-30}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
MODEL=(--train-files "$ROOT/tests/data/tiny.txt" --val-files "$ROOT/tests/data/tiny.txt" --vocab-size 400
       --block-size 64 --n-layer 4 --n-head 4 --n-embd 128 --batch 32 --eval-every 0 --eval-windows 2
       --eval-reconverge 0 --log-every 1 --ckpt-every 0 --device cpu --steps "$STEPS")
"$WFC" train "${MODEL[@]}" --out "$WORK/tok" --steps 1 --threads 2 >/dev/null 2>&1
median_tps() {  # tokens/s of the log lines after the first 5 steps
  grep '"kind":"train"' "$1/metrics.jsonl" | tail -n +6 | grep -o '"tokens_per_s":[0-9.e+]*' | cut -d: -f2 |
    sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'
}
one=(); two=()
for r in $(seq "$ROUNDS"); do
  rm -rf "$WORK/one" "$WORK/two"
  "$WFC" train "${MODEL[@]}" --tokenizer "$WORK/tok/tokenizer.model" --out "$WORK/one" --threads 2 >/dev/null 2>&1
  one+=("$(median_tps "$WORK/one")")
  "$WFC" train "${MODEL[@]}" --tokenizer "$WORK/tok/tokenizer.model" --out "$WORK/two" --threads 1 --nproc 2 >/dev/null 2>&1
  two+=("$(median_tps "$WORK/two")")
  echo "round $r: 1 rank x 2 threads ${one[-1]} tok/s, 2 ranks x 1 thread ${two[-1]} tok/s"
done
med() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "median of $ROUNDS: 1 rank x 2 threads $(med "${one[@]}") tok/s; 2 ranks x 1 thread $(med "${two[@]}") tok/s"
