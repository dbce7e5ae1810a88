#!/usr/bin/env bash
# Opens the lab on the bundled checkpoint from a fresh Debian 12 machine. Extra arguments go to
# `wfc view`. With no display, runs under Xvfb (nothing to see, but it proves the lab starts).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/build.sh" >&2
WFC="${BUILD_DIR:-$ROOT/build}/wfc"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "view: no display; running under xvfb-run" >&2
  exec xvfb-run -a -s "-screen 0 1600x900x24" "$WFC" view "$@"
fi
exec "$WFC" view "$@"
