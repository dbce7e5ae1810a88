#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: packages, build, ctest.
#   WFC_SANITIZE=1 scripts/test.sh [ctest args]   the same suite built with ASan + UBSan in build-san/
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${WFC_SANITIZE:-0}" = 1 ]; then
  export BUILD_DIR="${BUILD_DIR:-$ROOT/build-san}"
  export WFC_CMAKE_ARGS="${WFC_CMAKE_ARGS:-} -DWFC_SANITIZE=ON"
  # LibTorch and its dependencies are not instrumented: what they leak at exit is theirs, listed
  # in lsan.supp. Everything else (our leaks, any UB, any bad access) fails the test.
  SUPP="$ROOT/tests/sanitizer"
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:strict_string_checks=1:detect_stack_use_after_return=0}"
  export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$SUPP/lsan.supp:print_suppressions=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$SUPP/ubsan.supp}"
fi
"$ROOT/scripts/build.sh"
cd "${BUILD_DIR:-$ROOT/build}"
ctest -j"$(nproc)" --output-on-failure "$@"
