#!/usr/bin/env bash
# The command line as a user meets it: --help everywhere, exit codes 0/2/1, one-line errors.
WFC="$1"; WORK="$2"; rm -rf "$WORK"; mkdir -p "$WORK"
source "$(dirname "$0")/lib.sh"

expect_rc 0 "wfc --help" -- "$WFC" --help
OVERVIEW="$OUT"
for c in view train eval export generate info; do
  expect_contains "$OVERVIEW" "  $c " "overview lists $c"
  expect_rc 0 "wfc $c --help" -- "$WFC" "$c" --help
  expect_contains "$OUT" "usage: wfc $c" "$c --help shows usage"
  # every option line shows its default
  while IFS= read -r line; do
    case "$line" in
      "  --help"*) ;;
      "  --"*) grep -q "(default: " <<<"$line" && ok "$c: default shown: ${line%% *}${line:2:20}" \
                 || bad "$c: option without a default: $line"
               # and only once: the help text itself never states a (contradicting) second one
               [ "$(grep -oE '\(the default\)|\(default[ :]' <<<"$line" | wc -l)" = 1 ] \
                 || bad "$c: two defaults on one line: $line" ;;
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
# Issue 14, defect 2: an unknown policy reached the lab's worker, which died and hung the UI.
# generate --policy manual printed the prompt, then the error on the same line.
expect_rc 2 "generate --policy manual is refused before any output" -- "$WFC" generate --policy manual --prompt "The jury"
[ -z "$OUT" ] && ok "nothing on stdout" || bad "stdout: $OUT"
one_line "$ERR" "policy manual"
expect_rc 2 "generate --trace into a missing directory fails before generating" -- "$WFC" generate --tokens 2 --trace "$WORK/nope/t.jsonl"
[ -z "$OUT" ] && ok "nothing generated first" || bad "stdout: $OUT"
# A directory that exists but takes no file (a read-only mount; root passes every mode check).
if ! touch /sys/.wfc-probe 2>/dev/null; then
  expect_rc 2 "generate --trace into a read-only directory fails before generating" -- "$WFC" generate --tokens 2 --trace /sys/t.jsonl
  [ -z "$OUT" ] && ok "nothing generated first" || bad "stdout: $OUT"
  expect_contains "$ERR" "/sys/t.jsonl: cannot write in /sys" "the directory is named"
fi
# A trace carries token text beside every id (viz/data_out.h): argmax_text per row, topk_text per entry.
expect_rc 0 "generate --trace writes a trace" -- "$WFC" generate --tokens 2 --prompt "The jury said" --temperature 0 --trace "$WORK/t.jsonl"
python3 - "$WORK/t.jsonl" <<'PY' && ok "every trace line has argmax_text (one per row) and topk_text (one per top-k entry)" || bad "trace without token text"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert lines, "empty trace"
for j in lines:
    assert len(j["argmax_text"]) == j["length"] == len(j["argmax"]), j.keys()
    assert len(j["topk_text"]) == len(j["topk_ids"]) == j["length"] * j["k"]
assert any(t.strip() for t in lines[0]["argmax_text"][: lines[0]["n_past"]])  # the prompt's words
# first-future runs only the rows it reads: the lines say from which row the rest was left alone;
# top-k fillers at probability 0 (a one-hot row's other ids) carry no text.
assert any(j["unrun_from"] >= 0 for j in lines), "no line says which rows the focus left alone"
for j in lines:
    assert j["unrun_from"] == -1 or j["n_past"] < j["unrun_from"] < j["length"], j["unrun_from"]
    for p, t in zip(j["topk_probs"], j["topk_text"]):
        assert p > 0 or t == "", (p, t)
PY
# The lab's new inputs are checked before any window (and before the display): one line, exit 2.
expect_rc 2 "view --run on a missing directory" -- env DISPLAY= "$WFC" view --run "$WORK/no-such-run"
expect_contains "$ERR" "option --run: $WORK/no-such-run: does not exist" "the option and the path are named"
one_line "$ERR" "view --run missing"
expect_rc 2 "view --compare on a file that is not a checkpoint" -- env DISPLAY= "$WFC" view --compare "$WORK/bad.safetensors"
expect_contains "$ERR" "option --compare: $WORK/bad.safetensors" "the option and the file are named"
one_line "$ERR" "view --compare bad"
expect_rc 2 "view with an unknown policy fails before any window" -- "$WFC" view --policy nope
expect_contains "$ERR" "unknown policy 'nope'" "the unknown policy is named"
one_line "$ERR" "unknown policy"
expect_rc 2 "an unknown mask is an error, not the block mask" -- "$WFC" generate --mask nope --tokens 1
expect_contains "$ERR" "option --mask: unknown mask 'nope' (one of: checkpoint, block" "the masks are listed"
expect_rc 2 "export without --script is a usage error" -- "$WFC" export --out "$WORK/x"
expect_contains "$ERR" "--script is required" "export names the missing flag"
expect_rc 2 "export of a missing script" -- "$WFC" export --script "$WORK/none.txt" --out "$WORK/x"
one_line "$ERR" "missing script"
expect_rc 2 "export with a bad --size" -- "$WFC" export --script "$WORK/none.txt" --out "$WORK/x" --size 12x
if ! command -v ffmpeg >/dev/null; then
  echo "frame" >"$WORK/one-frame.txt"
  expect_rc 2 "export --video without ffmpeg says so" -- "$WFC" export --script "$WORK/one-frame.txt" --out "$WORK/v" --video "$WORK/v.mp4"
  expect_contains "$ERR" "ffmpeg is not installed" "the video message names ffmpeg"
  [ ! -e "$WORK/v" ] && ok "nothing written without ffmpeg" || bad "export wrote $WORK/v without ffmpeg"
fi

# train: every config field is a flag; bad configs fail in one line before any work.
expect_rc 0 "train --help" -- "$WFC" train --help
for f in --n-layer --future-max --iters --grad-iters --past-weight --init-from --collapse-share --random-mask-share --resume; do
  expect_contains "$OUT" "  $f" "train has $f"
done
expect_rc 2 "train: bad flag value" -- "$WFC" train --out "$WORK/r" --steps many
expect_contains "$ERR" "--steps" "bad value names the flag"
expect_rc 2 "train: bad bool" -- "$WFC" train --out "$WORK/r" --bf16 maybe
expect_rc 2 "train: invalid config value" -- "$WFC" train --out "$WORK/r" --iters 2 --grad-iters 3
expect_contains "$ERR" "grad_iters" "invalid value is named"
one_line "$ERR" "invalid config value"
printf '{"train": {"stepz": 3}}' >"$WORK/bad.json"
expect_rc 2 "train: unknown config field" -- "$WFC" train --config "$WORK/bad.json" --out "$WORK/r"
expect_contains "$ERR" "bad.json" "config file is named"
expect_contains "$ERR" "stepz" "unknown field is named"
one_line "$ERR" "unknown config field"
printf '{"train": ' >"$WORK/trunc.json"
expect_rc 2 "train: truncated config" -- "$WFC" train --config "$WORK/trunc.json" --out "$WORK/r"
one_line "$ERR" "truncated config"
expect_rc 2 "train: missing corpus" -- "$WFC" train --out "$WORK/r" --data "$WORK/nowhere"
expect_contains "$ERR" "nowhere/train.txt" "missing corpus file is named"
one_line "$ERR" "missing corpus"
expect_rc 2 "train: resume with no run" -- "$WFC" train --out "$WORK/none" --resume
expect_contains "$ERR" "nothing to resume" "resume explains itself"

# A real (tiny) run, then eval side by side, then resume rules.
TINY="$(dirname "$0")/data/tiny.txt"
RUN=(--train-files "$TINY" --val-files "$TINY" --vocab-size 400 --block-size 32 --n-layer 2 --n-embd 32
     --n-head 2 --batch 4 --eval-windows 4 --eval-future 8 --log-every 5 --threads 1)
expect_rc 0 "train a tiny WFC run" -- "$WFC" train "${RUN[@]}" --out "$WORK/w" --steps 10
expect_contains "$ERR" "effective config" "the effective config is printed"
expect_contains "$ERR" "step 10/10" "progress is logged"
expect_contains "$ERR" "eval @ 10" "evaluation at the end"
[ -s "$WORK/w/metrics.jsonl" ] && ok "metrics written" || bad "no metrics.jsonl"
expect_rc 0 "train a tiny AR run on the same tokenizer" -- "$WFC" train "${RUN[@]}" --out "$WORK/a" --steps 10 \
  --objective ar --tokenizer "$WORK/w/tokenizer.model"
# An AR checkpoint under first-future and the causal mask decodes with a KV cache: the same text
# as the engine's loop (--cache-past off) while the context fits the engine's past.
expect_rc 0 "generate from the AR checkpoint (KV cache)" -- "$WFC" generate --checkpoint "$WORK/a/ckpt.safetensors" \
  --mask causal --tokens 8 --temperature 0 --threads 1
expect_contains "$ERR" "KV-cached decode" "an AR checkpoint decodes with a KV cache"
AR_TEXT="$OUT"
expect_rc 0 "the same through the engine's loop" -- "$WFC" generate --checkpoint "$WORK/a/ckpt.safetensors" \
  --mask causal --tokens 8 --temperature 0 --threads 1 --cache-past off
[ "$OUT" = "$AR_TEXT" ] && ok "KV decode prints the engine loop's text" || bad "KV decode text differs: '$AR_TEXT' vs '$OUT'"
expect_rc 0 "eval two checkpoints side by side" -- "$WFC" eval "$WORK/w/ckpt.safetensors" "$WORK/a/ckpt.safetensors" \
  --val-files "$TINY" --windows 4 --future 8 --reconverge 1
expect_contains "$OUT" "first-future NLL" "eval prints the first-future NLL"
expect_contains "$OUT" "entropy rank corr" "eval prints the entropy shape"
expect_contains "$OUT" "same tokenizer" "eval compares on the same tokens"
expect_rc 0 "eval --json" -- "$WFC" eval "$WORK/w/ckpt.safetensors" --val-files "$TINY" --windows 2 --future 4 --json
expect_contains "$OUT" '"nll_by_distance"' "eval --json has the distances"
expect_rc 2 "eval: bad checkpoint" -- "$WFC" eval "$WORK/bad.safetensors" --val-files "$TINY"
one_line "$ERR" "eval bad checkpoint"
expect_rc 2 "resume may not change the objective" -- "$WFC" train --out "$WORK/w" --resume --iters 3
expect_contains "$ERR" "--iters" "the refused flag is named"
expect_rc 2 "resume refuses a config file" -- "$WFC" train --out "$WORK/w" --resume --config "$WORK/bad.json"
expect_contains "$ERR" "--config" "the config file refusal says why"
expect_rc 0 "resume may extend the run" -- "$WFC" train --out "$WORK/w" --resume --steps 15
expect_contains "$ERR" "resuming at step 10" "resume starts where the run stopped"
expect_contains "$ERR" "step 15/15" "resume runs to the new end"
# The first command line again, plus --resume: flags that repeat the stored values are accepted.
expect_rc 0 "resume with the run's own flags repeated" -- "$WFC" train "${RUN[@]}" --out "$WORK/w" --resume --steps 16
expect_contains "$ERR" "step 16/16" "and it trains on"
# --steps at or below the committed step: nothing to train, and it says so.
expect_rc 0 "resume with --steps below the run's step" -- "$WFC" train --out "$WORK/w" --resume --steps 5
expect_contains "$ERR" "nothing to train" "it says nothing was trained"

# Output that cannot be written is an error, not exit 0 (stdout on a full disk).
if [ -w /dev/full ] && [ -c /dev/full ]; then
  expect_rc 1 "info with stdout on a full disk" -- bash -c '"$0" info "$1" >/dev/full' "$WFC" "$WORK/w/ckpt.safetensors"
  expect_contains "$ERR" "wfc info: cannot write to standard output: No space left on device" "the write error is named"
  one_line "$ERR" "stdout on a full disk"
  expect_rc 1 "--help with stdout on a full disk" -- bash -c '"$0" info --help >/dev/full' "$WFC"
  expect_rc 1 "wfc --help with stdout on a full disk" -- bash -c '"$0" --help >/dev/full' "$WFC"
fi
finish
