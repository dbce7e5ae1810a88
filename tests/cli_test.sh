#!/usr/bin/env bash
# The command line as a user meets it: --help everywhere, exit codes 0/2/1, one-line errors.
WFC="$1"; WORK="$2"; rm -rf "$WORK"; mkdir -p "$WORK"
source "$(dirname "$0")/lib.sh"

expect_rc 0 "wfc --help" -- "$WFC" --help
OVERVIEW="$OUT"
for c in view train export generate info; do
  expect_contains "$OVERVIEW" "  $c " "overview lists $c"
  expect_rc 0 "wfc $c --help" -- "$WFC" "$c" --help
  expect_contains "$OUT" "usage: wfc $c" "$c --help shows usage"
  # every option line shows its default
  while IFS= read -r line; do
    case "$line" in
      "  --help"*) ;;
      "  --"*) grep -q "(default: " <<<"$line" && ok "$c: default shown: ${line%% *}${line:2:20}" \
                 || bad "$c: option without a default: $line" ;;
    esac
  done <<<"$OUT"
done
expect_rc 2 "unknown command" -- "$WFC" frobnicate
one_line "$ERR" "unknown command"
expect_contains "$ERR" "frobnicate" "unknown command is named"
expect_rc 2 "unknown option" -- "$WFC" info --frob x.safetensors
expect_contains "$ERR" "--frob" "unknown option is named"
one_line "$ERR" "unknown option"
expect_rc 2 "missing argument" -- "$WFC" info
expect_rc 2 "extra argument" -- "$WFC" info a b
expect_rc 2 "option without value" -- "$WFC" view --checkpoint
expect_contains "$ERR" "--checkpoint" "option without value is named"
expect_rc 2 "bad number" -- "$WFC" view --quit-after abc
expect_contains "$ERR" "--quit-after" "bad number names the option"
expect_rc 2 "missing checkpoint file" -- "$WFC" info "$WORK/none.safetensors"
expect_contains "$ERR" "$WORK/none.safetensors" "missing file is named"
one_line "$ERR" "missing file"
printf 'garbage' >"$WORK/bad.safetensors"
expect_rc 2 "garbage checkpoint" -- "$WFC" info "$WORK/bad.safetensors"
expect_contains "$ERR" "bad.safetensors" "garbage file is named"
one_line "$ERR" "garbage checkpoint"
expect_rc 2 "view on a bad checkpoint fails before any window" -- "$WFC" view --checkpoint "$WORK/bad.safetensors"
for c in train export; do
  expect_rc 2 "$c not landed says so" -- "$WFC" "$c"
  expect_contains "$ERR" "not available yet" "$c explains itself"
done
finish
