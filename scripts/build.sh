#!/usr/bin/env bash
# Installs what is missing, configures once, builds incrementally. BUILD_DIR overrides build/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup-deps.sh"
# ccache only hits on precompiled-header builds with these; BASEDIR makes hits path-independent.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$ROOT}"
if [ ! -f "$BUILD/build.ninja" ]; then
  cmake -S "$ROOT" -B "$BUILD" -G Ninja ${WFC_CMAKE_ARGS:-} >/dev/null
fi
# WFC_TARGETS: build only these targets (CI's sanitized pass builds the torch-free tests alone).
cmake --build "$BUILD" -j"$(nproc)" ${WFC_TARGETS:+--target $WFC_TARGETS}
