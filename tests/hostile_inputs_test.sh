#!/usr/bin/env bash
# Hostile and careless inputs (issue 13), each as a user or an attacker would try it. Every case
# must end with its expected exit code (2 with a one-line message naming the culprit, or 0 when
# the input is valid), in under 5 s, under 1 GB of peak RSS, and never by a signal.
# The table of answers is kept in WORK/table.md.
WFC="$(realpath "$1")"; SRC="$2"; WORK="$3"; rm -rf "$WORK"; mkdir -p "$WORK"
source "$(dirname "$0")/lib.sh"
CK="$SRC/checkpoints/default.safetensors"
W="$WORK/files"; mkdir -p "$W"
TABLE="$WORK/table.md"
# The 5 s is for the program's own work: loading LibTorch's ~290 libraries alone takes 0.5 s on
# an idle machine and several seconds on a loaded one, so the start-up of `wfc --version` is added.
/usr/bin/time -f "%e" -o "$WORK/.time" "$WFC" --version >/dev/null 2>&1
# The promise is the plain build's: under the sanitizers (scripts/test.sh sets ASAN_OPTIONS) the
# program's own work runs 2-3x slower, so it gets 15 s there.
WORK_S=5; [ -n "${ASAN_OPTIONS:-}" ] && WORK_S=15
LIMIT=$(awk -v s="$(tail -1 "$WORK/.time")" -v w=$WORK_S 'BEGIN { print w + s }')
echo "time limit per case: $LIMIT s ($WORK_S s + start-up)"
printf '| case | exit | message (stderr, first line) | s | peak RSS MB |\n|---|---|---|---|---|\n' >"$TABLE"

# hostile NAME WANT NEEDLE -- CMD...: runs CMD under /usr/bin/time with a 20 s kill switch.
hostile() {
  local name="$1" want="$2" needle="$3"; shift 4
  /usr/bin/time -f "%e %M" -o "$WORK/.time" timeout -s KILL 20 "$@" >"$WORK/.stdout" 2>"$WORK/.stderr"
  local rc=$? secs kb
  read -r secs kb < <(tail -1 "$WORK/.time")
  ERR="$(cat "$WORK/.stderr")"
  local msg; msg="$(head -c 300 "$WORK/.stderr" | head -1)"
  printf '| %s | %s | %s | %s | %s |\n' "$name" "$rc" "${msg//|/\\|}" "$secs" "$((kb / 1024))" >>"$TABLE"
  [ "$rc" = "$want" ] && ok "$name: exit $rc" || bad "$name: exit $rc, want $want; stderr: ${ERR:0:300}"
  awk -v s="$secs" -v l="$LIMIT" 'BEGIN { exit !(s < l) }' && ok "$name: ${secs}s" || bad "$name: took ${secs}s (limit $LIMIT s)"
  [ "$kb" -lt 1048576 ] && ok "$name: peak RSS $((kb / 1024)) MB" || bad "$name: peak RSS $((kb / 1024)) MB (limit 1 GB)"
  if [ "$want" = 2 ]; then
    [ -n "$needle" ] && { grep -qF -- "$needle" <<<"$ERR" && ok "$name: says '$needle'" || bad "$name: '$needle' not in: ${ERR:0:300}"; }
    [ "$(printf '%s' "$ERR" | grep -c '')" = 1 ] && ok "$name: one line" || bad "$name: not one line: ${ERR:0:300}"
    grep -q "internal error" <<<"$ERR" && bad "$name: reported as an internal error"
  fi
}

# ---- hostile files, made here (python3 only writes bytes)
mkfifo "$W/fifo"
mkdir -p "$W/dir.safetensors"
python3 - "$CK" "$W" <<'EOF'
import json, struct, sys
src, out = sys.argv[1], sys.argv[2]
raw = open(src, 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header, data = json.loads(raw[8:8 + n]), raw[8 + n:]
def write(name, h, d=data):
    t = json.dumps(h, separators=(',', ':')).encode()
    t += b' ' * ((8 - len(t) % 8) % 8)
    open(f'{out}/{name}', 'wb').write(struct.pack('<Q', len(t)) + t + d)
def with_meta(**kv):
    h = json.loads(json.dumps(header))
    h['__metadata__'].update(kv)
    return h
# 60,000 levels of nesting in train_config (used to overflow the stack in `wfc info`)
write('deep.safetensors', with_meta(train_config='[' * 60000 + ']' * 60000))
write('deep-model.safetensors', with_meta(model_config='{"a":' * 60000 + '1' + '}' * 60000))
# within every per-field limit, 3.6e9 parameters, 15 MB of data
mc = json.loads(header['__metadata__']['model_config'])
mc.update(n_embd=4096, n_layer=16, n_head=16, vocab_size=100000)
write('huge.safetensors', with_meta(model_config=json.dumps(mc)))
# a width that wraps to 64 in 32 bits; a boolean and a fraction where integers belong
for name, key, val in [('wrap', 'n_embd', 4294967360), ('bool', 'n_layer', True), ('frac', 'n_layer', 4.5)]:
    m = json.loads(header['__metadata__']['model_config']); m[key] = val
    write(f'{name}.safetensors', with_meta(model_config=json.dumps(m)))
# NaN and Inf weights
for name, tensor, val in [('nan', 'ln_f.weight', float('nan')), ('inf', 'h.2.mlp_fc.weight', float('inf'))]:
    b, _ = header[tensor]['data_offsets']
    d = bytearray(data); d[b + 40:b + 44] = struct.pack('<f', val)
    write(f'{name}.safetensors', header, bytes(d))
# a header length of 2^62, and a header that is 10 MB of spaces
open(f'{out}/hlen.safetensors', 'wb').write(struct.pack('<Q', 1 << 62) + raw[8:1000])
open(f'{out}/hbig.safetensors', 'wb').write(struct.pack('<Q', 10 << 20) + b'{' + b' ' * (10 << 20))
# configs
def cfg(name, obj): open(f'{out}/{name}.json', 'w').write(json.dumps(obj))
cfg('batch', {'train': {'batch': 1 << 20}})
cfg('wrap', {'model': {'n_embd': 4294967360}})
cfg('true', {'model': {'n_layer': True}})
cfg('frac', {'model': {'n_layer': 4.5}})
cfg('string', {'train': {'lr': '0.1'}})
open(f'{out}/deep.json', 'w').write('{"train":' + '[' * 60000 + ']' * 60000 + '}')
# a script whose second line is 1 MB
open(f'{out}/longline.txt', 'w').write('prompt The jury\nprompt ' + 'x' * (1 << 20) + '\nframe\n')
open(f'{out}/ok.txt', 'w').write('prompt The jury said that the\nconverge\nframe\n')
open(f'{out}/future.txt', 'w').write('future 128\nprompt The jury\nframe\n')
EOF

# ---- files that are not files
hostile "FIFO as checkpoint (info)" 2 "FIFO" -- "$WFC" info "$W/fifo"
hostile "FIFO as --checkpoint (generate)" 2 "FIFO" -- "$WFC" generate --checkpoint "$W/fifo" --tokens 1
hostile "FIFO as --script" 2 "FIFO" -- "$WFC" export --script "$W/fifo" --out "$W/o1"
hostile "FIFO as --config" 2 "FIFO" -- "$WFC" train --config "$W/fifo" --out "$W/r1"
hostile "/dev/zero as checkpoint" 2 "/dev/zero" -- "$WFC" info /dev/zero
hostile "/dev/zero as --script" 2 "/dev/zero" -- "$WFC" export --script /dev/zero --out "$W/o2"
hostile "/dev/zero as --config" 2 "/dev/zero" -- "$WFC" train --config /dev/zero --out "$W/r2"
hostile "directory as checkpoint" 2 "$W/dir.safetensors: is a directory" -- "$WFC" info "$W/dir.safetensors"
hostile "directory as --config" 2 "a directory" -- "$WFC" train --config "$W" --out "$W/r3"

# ---- checkpoints
hostile "60,000-deep train_config (info)" 2 "nests deeper than 64" -- "$WFC" info "$W/deep.safetensors"
hostile "60,000-deep train_config (info --json)" 2 "nests deeper" -- "$WFC" info --json "$W/deep.safetensors"
hostile "60,000-deep model_config" 2 "nests deeper" -- "$WFC" info "$W/deep-model.safetensors"
hostile "4096 wide x 16 layers x vocab 100000 in 15 MB" 2 "parameters" -- "$WFC" info "$W/huge.safetensors"
hostile "the same, opened by generate" 2 "parameters" -- "$WFC" generate --checkpoint "$W/huge.safetensors" --tokens 1
hostile "n_embd 4294967360 in a checkpoint" 2 "n_embd: expected an integer in [1, 16384], got 4294967360" -- "$WFC" info "$W/wrap.safetensors"
hostile "n_layer true in a checkpoint" 2 "n_layer: expected an integer" -- "$WFC" info "$W/bool.safetensors"
hostile "n_layer 4.5 in a checkpoint" 2 "got 4.5" -- "$WFC" info "$W/frac.safetensors"
hostile "NaN weight" 2 "tensor 'ln_f.weight' holds a NaN" -- "$WFC" info "$W/nan.safetensors"
hostile "Inf weight (generate)" 2 "tensor 'h.2.mlp_fc.weight'" -- "$WFC" generate --checkpoint "$W/inf.safetensors" --tokens 1
hostile "header length 2^62" 2 "implausible" -- "$WFC" info "$W/hlen.safetensors"
hostile "10 MB header" 2 "implausible" -- "$WFC" info "$W/hbig.safetensors"
hostile "the bundled checkpoint (valid)" 0 "" -- "$WFC" info "$CK"

# ---- configs
hostile "batch 2^20 training config" 2 "more than this machine's" -- "$WFC" train --config "$W/batch.json" --out "$W/r4"
hostile "--batch 1048576 flag" 2 "more than this machine's" -- "$WFC" train --batch 1048576 --out "$W/r5"
hostile "\"n_embd\": 4294967360 in --config" 2 "n_embd: expected an integer in [1, 16384], got 4294967360" -- "$WFC" train --config "$W/wrap.json" --out "$W/r6"
hostile "JSON true for an integer" 2 "n_layer: expected an integer in [1, 256], got true" -- "$WFC" train --config "$W/true.json" --out "$W/r7"
hostile "JSON 4.5 for an integer" 2 "got 4.5" -- "$WFC" train --config "$W/frac.json" --out "$W/r8"
hostile "JSON string for a number" 2 "lr: expected a number" -- "$WFC" train --config "$W/string.json" --out "$W/r9"
hostile "60,000-deep --config" 2 "nests deeper" -- "$WFC" train --config "$W/deep.json" --out "$W/r10"
hostile "--n-embd 4294967360" 2 "got 4294967360" -- "$WFC" train --n-embd 4294967360 --out "$W/r11"

# ---- flags
hostile "--tokens 2147483648" 2 "--tokens: expected an integer in [0, 2147483647]" -- "$WFC" generate --tokens 2147483648
hostile "--temperature -1" 2 "--temperature: expected a number in [0, inf)" -- "$WFC" generate --temperature -1
hostile "--top-p 2" 2 "--top-p: expected a number in (0, 1]" -- "$WFC" generate --top-p 2
hostile "--top-p nan" 2 "--top-p" -- "$WFC" generate --top-p nan
hostile "--top-k -1" 2 "--top-k" -- "$WFC" generate --top-k -1
hostile "--tol -1" 2 "--tol: expected a number in (0, inf)" -- "$WFC" generate --tol -1
hostile "--tol 0 (eval)" 2 "--tol" -- "$WFC" eval "$CK" --tol 0
hostile "--windows 1000000 (eval: over 1 GB of window ids before)" 2 "option --windows: 1000000 windows" -- "$WFC" eval "$CK" --val-files "$SRC/tests/data/tiny.txt" --windows 1000000
hostile "--alpha 2 with another policy" 2 "option --alpha: must be in (0, 1], got 2" -- "$WFC" generate --alpha 2 --tokens 1
hostile "--budget 0" 2 "option --budget: must be > 0 nats" -- "$WFC" view --budget 0
hostile "--threshold 1e300 (beyond a float)" 2 "option --threshold: 1e300 is too large" -- "$WFC" generate --threshold 1e300 --tokens 1
hostile "--policy bogus" 2 "option --policy: unknown policy 'bogus'" -- "$WFC" generate --policy bogus --tokens 1
hostile "--threads -1" 2 "--threads" -- "$WFC" generate --threads -1
hostile "--threads 100000" 2 "--threads" -- "$WFC" view --threads 100000
hostile "--future 128 (window 128)" 2 "--future: expected fewer future rows than the checkpoint's window of 128" -- "$WFC" generate --future 128 --tokens 1
hostile "--seed 1e3 (trailing garbage)" 2 "--seed" -- "$WFC" generate --seed 1e3
hostile "--size 99999999999x2" 2 "--size" -- "$WFC" export --script "$W/ok.txt" --out "$W/o3" --size 99999999999x2
long_prompt=$(printf 'the jury said that %.0s' $(seq 60))
hostile "prompt + future over the window (generate)" 0 "" -- "$WFC" generate --prompt "$long_prompt" --tokens 0 --future 16
expect_contains "$ERR" "keeps its last 112" "generate says how many prompt tokens were kept"

# ---- scripts and export
printf 'prompt The jury\nstep 100000\n' >"$W/long-steps.txt"
hostile "step 100000 with --every-iteration (over 4 GB before)" 2 "long-steps.txt:2: the export would write more than 10000 frames" -- \
  "$WFC" export --script "$W/long-steps.txt" --out "$W/o5" --every-iteration
{ echo "prompt The jury"; for _ in $(seq 10001); do echo frame; done; } >"$W/many-frames.txt"
hostile "10,001 frame lines" 2 "many-frames.txt:10002: the export would write more than 10000 frames" -- \
  "$WFC" export --script "$W/many-frames.txt" --out "$W/o6"
hostile "1 MB script line" 2 "longline.txt:2: the line is 1048583 bytes long" -- "$WFC" export --script "$W/longline.txt" --out "$W/o4"
[ "${#ERR}" -lt 400 ] && ok "the long line is not echoed (${#ERR} bytes of stderr)" || bad "the long line was echoed (${#ERR} bytes)"
hostile "script future at the window" 2 "future.txt:1: future: expected fewer future rows" -- "$WFC" export --script "$W/future.txt" --out "$W/o5"
hostile "Bob's frames (--out with a quote and a space)" 0 "" -- "$WFC" export --script "$W/ok.txt" --out "$W/Bob's frames" --size 320x200
[ -f "$W/Bob's frames/frame_00001.png" ] && [ -f "$W/Bob's frames/frames.jsonl" ] && ok "frames written in Bob's frames" \
  || bad "no frames in Bob's frames"
hostile "export into a non-empty --out" 2 "is not empty" -- "$WFC" export --script "$W/ok.txt" --out "$W/Bob's frames" --size 320x200
# --overwrite removes only the frames an earlier export wrote.
touch "$W/Bob's frames/notes.txt" "$W/Bob's frames/frame_00009.png"
hostile "export --overwrite" 0 "" -- "$WFC" export --script "$W/ok.txt" --out "$W/Bob's frames" --size 320x200 --overwrite
[ -f "$W/Bob's frames/notes.txt" ] && ok "--overwrite keeps a file it did not write" || bad "--overwrite removed notes.txt"
[ ! -e "$W/Bob's frames/frame_00009.png" ] && ok "--overwrite removes an earlier frame" || bad "stale frame_00009.png kept"
# A file-size limit stands in for a full disk: the write fails, the message says why, and
# neither --out nor a staging directory is left behind.
hostile "disk full while exporting (RLIMIT_FSIZE 2 KB)" 2 "File too large" -- \
  bash -c 'trap "" XFSZ; ulimit -f 2; exec "$0" "$@"' "$WFC" export --script "$W/ok.txt" --out "$W/full" --size 320x200
[ ! -e "$W/full" ] && ok "no partial --out after a failed write" || bad "a partial $W/full was left"
left=$(find "$W" -maxdepth 1 -name '.full.export-*' | wc -l)
[ "$left" = 0 ] && ok "no staging directory left" || bad "$left staging directories left"

# ---- no shell: a video name with a quote is a file name, not a command
mkdir -p "$WORK/bin"
cat >"$WORK/bin/ffmpeg" <<'EOF'
#!/usr/bin/env bash
# Stands in for ffmpeg: records its arguments (one per line) and writes the output file (the last).
printf '%s\n' "$@" >"$(dirname "$0")/args.txt"
printf 'video' >"${@: -1}"
EOF
chmod +x "$WORK/bin/ffmpeg"
evil="talk'; touch INJECTED; echo '.mp4"  # the issue's example, run in $W
hostile "--video with a shell quote in the name" 0 "" -- env -C "$W" PATH="$WORK/bin:$PATH" "$WFC" export \
  --script "$W/ok.txt" --out "$W/v frames" --size 320x200 --video "$evil"
[ ! -e "$W/INJECTED" ] && ok "no command ran from the video name" || bad "the video name ran a command"
[ -f "$W/$evil" ] && ok "the video has exactly the name asked for" || bad "no file named: $W/$evil"
grep -qxF -- "-nostdin" "$WORK/bin/args.txt" && grep -qF -- "$W/v frames/frame_%05d.png" "$WORK/bin/args.txt" \
  && ok "ffmpeg got an argument vector with the frame pattern" || bad "ffmpeg arguments: $(cat "$WORK/bin/args.txt")"

# ---- the display
hostile "wfc view with no display" 2 "xvfb-run" -- env -u DISPLAY -u WAYLAND_DISPLAY "$WFC" view --quit-after 1

# ---- no shell anywhere in the program
hits=$(grep -rnE '\b(std::)?(system|popen)[[:space:]]*\(' "$SRC"/app "$SRC"/model "$SRC"/viz "$SRC"/bench \
  --include='*.cpp' --include='*.h' | grep -vE '^\S+:[0-9]+:\s*//')
[ -z "$hits" ] && ok "no system()/popen() in app/ model/ viz/ bench/" || bad "shell calls remain: $hits"

echo; cat "$TABLE"; echo
finish
