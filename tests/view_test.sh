#!/usr/bin/env bash
# `wfc view` opens a real window under Xvfb, draws, and closes itself; a screenshot is kept.
WFC="$1"; WORK="$2"; rm -rf "$WORK"; mkdir -p "$WORK"
source "$(dirname "$0")/lib.sh"
expect_rc 0 "wfc view opens and closes a window" -- xvfb-run -a -s "-screen 0 1600x900x24" \
  bash -c "'$WFC' view --quit-after 6 & pid=\$!; sleep 3; import -window root '$WORK/view.png'; wait \$pid"
[ -s "$WORK/view.png" ] && ok "screenshot saved: $WORK/view.png" || bad "no screenshot"
# Not a blank screen: the window draws more than one colour.
colors=$(convert "$WORK/view.png" -format %k info: 2>/dev/null || echo 0)
[ "${colors:-0}" -gt 8 ] && ok "screenshot has $colors colours" || bad "screenshot looks blank ($colors colours)"
finish
