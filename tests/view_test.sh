#!/usr/bin/env bash
# `wfc view` opens a real window under Xvfb, draws, and closes itself; a screenshot is kept.
# The screenshot waits for the window and retries until it has drawn (a sanitizer build starts
# several times slower than a plain one: a fixed sleep raced with its first frame).
WFC="$1"; WORK="$2"; rm -rf "$WORK"; mkdir -p "$WORK"
source "$(dirname "$0")/lib.sh"
# Runs inside xvfb-run: the window, then up to 20 screenshots until one has more than 8 colours.
cat >"$WORK/shot.sh" <<'SH'
"$1" view --quit-after 12 & pid=$!
timeout 60 xdotool search --sync --name "wfc lab" >/dev/null
for _ in $(seq 20); do
  import -window root "$2/view.png"
  [ "$(convert "$2/view.png" -format %k info: 2>/dev/null || echo 0)" -gt 8 ] && break
  sleep 0.5
done
wait $pid
SH
expect_rc 0 "wfc view opens and closes a window" -- xvfb-run -a -s "-screen 0 1600x900x24" bash "$WORK/shot.sh" "$WFC" "$WORK"
[ -s "$WORK/view.png" ] && ok "screenshot saved: $WORK/view.png" || bad "no screenshot"
# Not a blank screen: the window draws more than one colour.
colors=$(convert "$WORK/view.png" -format %k info: 2>/dev/null || echo 0)
[ "${colors:-0}" -gt 8 ] && ok "screenshot has $colors colours" || bad "screenshot looks blank ($colors colours)"
finish
