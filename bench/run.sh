#!/usr/bin/env bash
# The benchmark suite in one command: writes OUT/results.jsonl (one JSON object per measurement,
# the first one the system: versions, BLAS core, threads, CPU) and OUT/table.md.
#   bench/run.sh [OUT=bench/results/latest] [REPS=30]
# THREADS=1 bench/run.sh ... forces every C++ variant to that many threads (a loaded machine).
# Needs a build (scripts/build.sh), python3-torch for the PyTorch side (skipped if missing), and
# xvfb-run for the lab frame times. Sections, each with its variants interleaved in one process:
#   iteration  one refinement iteration, full window vs cached past, 1 and 2 threads
#   click      collapse a future row + re-converge (+ undo), 1 thread, full vs cached
#   generate   `generate` tokens/s per policy, full vs cached; ar: the same network, KV-cached decode
#   train      one optimizer step, AR and WFC K=2, C++ and PyTorch (processes alternated, 3 rounds)
#   lab        bench/lab_bench.sh: UI work per frame while playing, click -> re-converged
#   rss        peak RSS (/usr/bin/time -v) of view, train and export
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/bench/results/latest}"; REPS="${2:-30}"
WFC="$ROOT/build/wfc"; BENCH="$ROOT/build/bench/wfc_bench"; PY=/usr/bin/python3
[ -x "$WFC" ] && [ -x "$BENCH" ] || { echo "bench/run.sh: build first (scripts/build.sh)" >&2; exit 2; }
mkdir -p "$OUT"; J="$OUT/results.jsonl"; : >"$J"
say() { echo "== $*" >&2; }

say "system"
{
  printf '{"section":"machine","cpu":"%s","cores":%d,"load_1min":"%s","date":"%s","commit":"%s"}\n' \
    "$(lscpu | sed -n 's/^Model name: *//p' | head -1)" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" \
    "$(date -u +%FT%TZ)" "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
  "$WFC" info --system --json | tr -d '\n' | sed 's/^{/{"section":"wfc info --system",/'; echo
  if $PY -c 'import torch' 2>/dev/null; then
    printf '{"section":"python","torch":"%s"}\n' "$($PY -c 'import torch;print(torch.__version__)')"
  fi
} >>"$J"

say "iteration, click, generate, ar (C++, interleaved)"
"$BENCH" system iteration click generate ar --reps "$REPS" ${THREADS:+--threads "$THREADS"} >>"$J"

say "train: C++ and PyTorch alternated"
# PyTorch gets the kernel the C++ binary runs with (it has no re-exec of its own).
CORE=$("$WFC" info --system --json | sed -n 's/.*"blas_core": "\([^"]*\)".*/\1/p')
for round in 1 2 3; do
  "$BENCH" train --reps 6 ${THREADS:+--threads "$THREADS"} | sed "s/}\$/,\"round\":$round}/" >>"$J"
  if $PY -c 'import torch' 2>/dev/null; then
    OPENBLAS_CORETYPE="$CORE" $PY "$ROOT/bench/torch_ref.py" --steps 6 --threads 2 | sed "s/^{/{\"section\":\"train\",/; s/}\$/,\"round\":$round}/" >>"$J"
  fi
done

if command -v xvfb-run >/dev/null && command -v xdotool >/dev/null; then
  say "lab frame times (bench/lab_bench.sh, 20 s playing, 10 clicks)"
  bash "$ROOT/bench/lab_bench.sh" "$WFC" 20 10 1 >"$OUT/lab_bench.txt" 2>&1
  # every "key value" line the lab prints goes into the JSON as text
  $PY - "$OUT/lab_bench.txt" >>"$J" <<'EOF'
import json, sys
print(json.dumps({"section": "lab", "text": open(sys.argv[1]).read().splitlines()}))
EOF
fi

say "peak RSS"
rss() {  # rss NAME CMD...: peak resident set size in MiB
  local name="$1"; shift
  /usr/bin/time -v "$@" >/dev/null 2>"$OUT/time-$name.txt"
  local kb; kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$OUT/time-$name.txt")
  printf '{"section":"rss","variant":"%s","peak_rss_mib":%.1f}\n' "$name" "$(echo "${kb:-0} / 1024" | bc -l)" >>"$J"
}
TMP="$(mktemp -d)"; trap 'rm -rf "$TMP"' EXIT
command -v xvfb-run >/dev/null &&
  rss "view (play 10 s)" xvfb-run -a -s "-screen 0 1600x900x24" "$WFC" view --play --config-dir "$TMP/cfg" --quit-after 10
rss "export (example session)" "$WFC" export --script "$ROOT/assets/example-session.txt" --out "$TMP/frames"
rss "train (20 steps, batch 16)" "$WFC" train --train-files "$ROOT/tests/data/tiny.txt" --val-files "$ROOT/tests/data/tiny.txt" \
  --out "$TMP/run" --vocab-size 400 --steps 20 --batch 16 --block-size 128 --eval-every 0 --eval-windows 2

$PY "$ROOT/bench/table.py" "$J" >"$OUT/table.md"
cat "$OUT/table.md"
