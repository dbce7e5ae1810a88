#!/usr/bin/env bash
# The GPU check, for a machine with an NVIDIA GPU and a pip PyTorch (2.x, CUDA): builds the model
# library, its tests and the benchmark against that PyTorch's LibTorch, runs the CUDA-relevant
# tests and the suite's GPU part, and writes everything under one folder. Budget: < 8 minutes.
#   scripts/gpu-check.sh [OUT=gpu-check]
# OUT/ gets: env.txt (GPU, driver, torch, ABI), build.log, tests.log (ctest), bench.jsonl
# (iteration eager vs CUDA graph, training tokens/s), torch_ref.jsonl (PyTorch eager and
# torch.compile), summary.txt. The viz layer (GL) is not built: the checks need no display.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/gpu-check}" && cd "${1:-$ROOT/gpu-check}" && pwd)"
BUILD="$ROOT/build-gpu"
PY="${PYTHON:-python3}"
START=$(date +%s)
left() { echo $((480 - ($(date +%s) - START))); }   # seconds of the 8-minute budget left
log() { echo "[$(($(date +%s) - START))s] $*" | tee -a "$OUT/summary.txt"; }
: >"$OUT/summary.txt"

# ---- what is here -------------------------------------------------------------------------------
{
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || echo "nvidia-smi: none"
  "$PY" - <<'EOF'
import torch
print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available())
print("cxx11_abi", int(torch._C._GLIBCXX_USE_CXX11_ABI))
print("cmake_prefix_path", torch.utils.cmake_prefix_path)
EOF
  nproc; cmake --version | head -1; g++ --version | head -1
} >"$OUT/env.txt" 2>&1
cat "$OUT/env.txt"
grep -q "available True" "$OUT/env.txt" || { log "no CUDA device visible to PyTorch: nothing to check"; exit 1; }
PREFIX=$(sed -n 's/^cmake_prefix_path //p' "$OUT/env.txt")
ABI=$(sed -n 's/^cxx11_abi //p' "$OUT/env.txt")

# ---- build (model, tests, bench; no GL) -----------------------------------------------------------
# The static sentencepiece in third_party/ was built with the new C++ ABI; a LibTorch with the
# old one cannot link it, so say so instead of failing deep in the link.
[ "$ABI" = 1 ] || log "warning: this LibTorch uses the pre-C++11 ABI; sentencepiece (third_party) may not link"
[ -d "$ROOT/third_party/sentencepiece/lib" ] || "$ROOT/scripts/build-sentencepiece.sh" >>"$OUT/build.log" 2>&1
log "configuring against $PREFIX"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DWFC_GPU_ONLY=ON \
  -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_CXX_FLAGS="-D_GLIBCXX_USE_CXX11_ABI=$ABI" -DCMAKE_CUDA_ARCHITECTURES=native >"$OUT/build.log" 2>&1 ||
  { log "configure failed (see build.log)"; tail -20 "$OUT/build.log"; exit 1; }
log "building wfc_model_tests wfc_bench wfc_gpu_bench"
timeout "$(( $(left) - 200 ))" cmake --build "$BUILD" -j"$(nproc)" --target wfc_model_tests wfc_bench wfc_gpu_bench \
  >>"$OUT/build.log" 2>&1 || { log "build failed or ran out of time (see build.log)"; tail -30 "$OUT/build.log"; exit 1; }

# ---- tests: the CUDA ones, and the engine/training/eval ones that run on either device ------------
log "tests"
( cd "$BUILD/tests" && timeout 150 ./wfc_model_tests --gtest_filter='Cuda*:PastCache*:Engine*:Train.TrainingUnroll*' ) \
  >"$OUT/tests.log" 2>&1
TESTS_RC=$?
log "tests exit $TESTS_RC: $(grep -E '^\[  (PASSED|FAILED)' "$OUT/tests.log" | tr '\n' ' ')"

# ---- the suite's GPU part ----------------------------------------------------------------------
log "bench: iteration eager vs CUDA graph, training step on CUDA"
timeout 90 "$BUILD/bench/wfc_gpu_bench" --reps 50 >"$OUT/bench.jsonl" 2>>"$OUT/summary.txt"
log "bench exit $?"
log "PyTorch reference: eager and torch.compile on CUDA"
timeout 60 "$PY" "$ROOT/bench/torch_ref.py" --device cuda --steps 20 >"$OUT/torch_ref.jsonl" 2>>"$OUT/summary.txt"
[ "$(left)" -gt 100 ] &&
  timeout "$(( $(left) - 20 ))" "$PY" "$ROOT/bench/torch_ref.py" --device cuda --steps 20 --compile >>"$OUT/torch_ref.jsonl" 2>>"$OUT/summary.txt"
log "done in $(($(date +%s) - START)) s; results in $OUT"
cat "$OUT/bench.jsonl" "$OUT/torch_ref.jsonl" | tee -a "$OUT/summary.txt"
exit $TESTS_RC
