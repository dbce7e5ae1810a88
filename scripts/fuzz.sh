#!/usr/bin/env bash
# libFuzzer targets of tests/fuzz, built with clang into build-fuzz/ (ASan + UBSan + coverage).
#   scripts/fuzz.sh smoke              each target over its seed corpus plus a few seconds of mutation (CI)
#   scripts/fuzz.sh run TARGET SECS    fuzz one target; new inputs go to build-fuzz/corpus/TARGET,
#                                      crashes to build-fuzz/crashes/TARGET
# Limits as in the issue: -rss_limit_mb=2048 -malloc_limit_mb=512; a run over 10 s per input is a hang.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
if ! command -v clang++ >/dev/null || ! ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  echo "fuzz: installing clang and libclang-rt-14-dev"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends clang libclang-rt-14-dev >/dev/null
fi
"$ROOT/scripts/build-sentencepiece.sh"
if [ ! -f "$BUILD/build.ninja" ]; then
  CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DWFC_FUZZ=ON >/dev/null
fi
cmake --build "$BUILD" -j"$(nproc)"
# A leak report from LibTorch's or protobuf's start-up is not ours (see tests/sanitizer/lsan.supp).
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$ROOT/tests/sanitizer/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
LIMITS=(-rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=10)
targets() { for f in "$BUILD"/fuzz_*; do [ -x "$f" ] && basename "$f" | sed 's/^fuzz_//'; done; }

case "${1:-smoke}" in
  smoke)
    for t in $(targets); do
      start=$(date +%s%N)
      # Every seed once, then mutation for a few seconds. New inputs go to the first directory
      # (scratch), so the seed corpus in the repository is only read.
      rm -rf "$BUILD/smoke-corpus/$t"; mkdir -p "$BUILD/smoke-corpus/$t"
      "$BUILD/fuzz_$t" "${LIMITS[@]}" -max_total_time="${FUZZ_SMOKE_SECS:-5}" -print_final_stats=1 \
        -artifact_prefix="$BUILD/smoke-$t-" "$BUILD/smoke-corpus/$t" "$ROOT/tests/fuzz/$t" >"$BUILD/smoke-$t.log" 2>&1 \
        || { tail -40 "$BUILD/smoke-$t.log"; echo "fuzz smoke: $t FAILED"; exit 1; }
      runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$BUILD/smoke-$t.log")
      echo "fuzz smoke: $t ok, $runs runs in $(( ($(date +%s%N) - start) / 1000000 )) ms"
    done ;;
  run)
    t="$2"; secs="$3"
    mkdir -p "$BUILD/corpus/$t" "$BUILD/crashes/$t"
    exec "$BUILD/fuzz_$t" "${LIMITS[@]}" -max_total_time="$secs" -print_final_stats=1 \
      -artifact_prefix="$BUILD/crashes/$t/" "$BUILD/corpus/$t" "$ROOT/tests/fuzz/$t" ;;
  *) echo "usage: scripts/fuzz.sh smoke | run TARGET SECONDS" >&2; exit 2 ;;
esac
