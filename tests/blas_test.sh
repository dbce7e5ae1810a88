#!/usr/bin/env bash
# The BLAS kernel the binary runs with: the best for the CPU when the environment does not say,
# the environment's when it does, a fallback when the check fails, and no re-exec loop.
WFC="$1"; WORK="$2"; rm -rf "$WORK"; mkdir -p "$WORK"
source "$(dirname "$0")/lib.sh"
field() { sed -n "s/.*\"$1\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" <<<"$OUT" | head -1; }
lower() { tr '[:upper:]' '[:lower:]' <<<"$1"; }

expect_rc 0 "info --system" -- "$WFC" info --system
expect_contains "$OUT" "BLAS core" "the kernel is printed"
expect_contains "$OUT" "OMP_WAIT_POLICY" "the wait policy is printed"
expect_contains "$OUT" "sgemm self-test   ok" "the start-up sgemm check passes"
expect_rc 2 "info --system takes no checkpoint" -- "$WFC" info --system x.safetensors

expect_rc 0 "info --system --json, OPENBLAS_CORETYPE unset" -- env -u OPENBLAS_CORETYPE "$WFC" info --system --json
BEST=$(field blas_core_best_for_cpu); CORE=$(field blas_core); CONFIG=$(field blas_config)
if [ -z "$CONFIG" ]; then
  ok "not OpenBLAS ($(field blas_library)): nothing to select"
  finish; exit $?
fi
case "$BEST" in
  SkylakeX|Haswell)
    [ "$(lower "$CORE")" = "$(lower "$BEST")" ] && ok "unset: runs the CPU's best kernel ($CORE)" \
      || bad "unset: runs $CORE, the CPU's best is $BEST"
    expect_contains "$(field blas_core_chosen_by)" "wfc" "unset: the choice is wfc's" ;;
  *) ok "this CPU has neither AVX-512 nor AVX2: OpenBLAS's own choice ($CORE)" ;;
esac

expect_rc 0 "the environment's kernel is kept" -- env OPENBLAS_CORETYPE=Sandybridge "$WFC" info --system --json
[ "$(lower "$(field blas_core)")" = sandybridge ] && ok "OPENBLAS_CORETYPE=Sandybridge runs Sandybridge" \
  || bad "OPENBLAS_CORETYPE=Sandybridge runs $(field blas_core)"
expect_contains "$(field blas_core_chosen_by)" "environment" "the choice is the environment's"

expect_rc 0 "no loop: an inherited guard stops the re-exec" -- env -u OPENBLAS_CORETYPE WFC_BLAS_REEXEC=env "$WFC" info --system --json
expect_contains "$(field blas_core_chosen_by)" "OpenBLAS" "with the guard set, OpenBLAS chooses"

if [ "$BEST" = SkylakeX ]; then
  expect_rc 0 "a failing SkylakeX check falls back" -- env -u OPENBLAS_CORETYPE WFC_BLAS_FAKE_FAILURE=SkylakeX "$WFC" info --system --json
  [ "$(lower "$(field blas_core)")" = haswell ] && ok "fallback runs Haswell" || bad "fallback runs $(field blas_core)"
  expect_contains "$ERR" "trying Haswell" "the fallback is said on stderr"
  expect_rc 0 "two failing checks end on OpenBLAS's own choice" -- \
    env -u OPENBLAS_CORETYPE WFC_BLAS_FAKE_FAILURE=SkylakeX,Haswell "$WFC" info --system --json
  expect_contains "$ERR" "trying OpenBLAS's own choice" "the last fallback is said"
  expect_contains "$(field blas_core_chosen_by)" "OpenBLAS" "the last fallback is OpenBLAS's choice"
fi
expect_rc 0 "a failing user-chosen kernel warns and runs" -- env OPENBLAS_CORETYPE=Haswell WFC_BLAS_FAKE_FAILURE=Haswell "$WFC" info --system
expect_contains "$ERR" "failed its self-test" "the warning names the failed check"
expect_contains "$OUT" "FAILED" "info shows the failed check"
finish
