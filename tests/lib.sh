# Shared helpers for the shell-driven tests: each check prints one line; a failure exits 1 at the end.
FAILS=0
PASSES=0
ok()   { PASSES=$((PASSES+1)); echo "ok   $*"; }
bad()  { FAILS=$((FAILS+1)); echo "FAIL $*"; }
# expect_rc WANT DESCRIPTION -- CMD...: runs CMD, keeps stdout/stderr in $OUT/$ERR
expect_rc() {
  local want="$1" what="$2"; shift 3
  "$@" >"$WORK/.stdout" 2>"$WORK/.stderr"; local rc=$?
  OUT="$(cat "$WORK/.stdout")"; ERR="$(cat "$WORK/.stderr")"
  if [ "$rc" = "$want" ]; then ok "$what (exit $rc)"; else bad "$what: exit $rc, want $want; stderr: $ERR"; fi
}
expect_contains() {  # expect_contains HAYSTACK NEEDLE DESCRIPTION
  if grep -qF -- "$2" <<<"$1"; then ok "$3"; else bad "$3: '$2' not in: $1"; fi
}
one_line() {  # the error is exactly one line
  local n; n=$(printf '%s' "$1" | grep -c '')
  if [ "$n" = 1 ]; then ok "$2: one-line error"; else bad "$2: error has $n lines: $1"; fi
}
finish() { echo "$PASSES passed, $FAILS failed"; [ "$FAILS" = 0 ]; }
