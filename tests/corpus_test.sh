#!/usr/bin/env bash
# Brown tag stripping and detokenising on a tiny tagged sample (no network).
SRC="$1"; WORK="$2"; rm -rf "$WORK"; mkdir -p "$WORK"
source "$(dirname "$0")/lib.sh"
expect_rc 0 "converts the sample" -- node "$SRC/scripts/brown-to-text.mjs" "$SRC/tests/data/brown_sample" "$WORK/out" --val-every 3
expect_contains "$OUT" "3 files" "reads the three Brown files and skips CONTENTS"
T="$(cat "$WORK/out/train.txt")"; V="$(cat "$WORK/out/val.txt")"
first="$(head -1 "$WORK/out/train.txt")"
want="The Fulton County Grand Jury said Friday an investigation of Atlanta's recent primary election produced \"no evidence\" that any irregularities took place."
[ "$first" = "$want" ] && ok "first sentence detokenised exactly" || bad "first sentence: $first"
grep -qE '/[a-z$-]+( |$)' <<<"$T" && bad "a tag survived: $(grep -oE '[^ ]+/[a-z$-]+( |$)' <<<"$T" | head -3)" || ok "no tags left"
grep -qE ' [,.;:?!]( |$)' <<<"$T" && bad "space before punctuation: $(grep -oE '.{10} [,.;:?!]' <<<"$T" | head -2)" || ok "no space before punctuation"
grep -q '``\|'"''" <<<"$T" && bad "PTB quotes survived" || ok "quotes are plain"
[ -n "$V" ] && ok "validation split is not empty" || bad "validation split is empty"
grep -qxF "$(head -1 "$WORK/out/val.txt")" "$WORK/out/train.txt" && bad "a validation sentence is in train" || ok "validation held out"
expect_rc 2 "empty source dir is an error" -- node "$SRC/scripts/brown-to-text.mjs" "$WORK" "$WORK/o2"
finish
