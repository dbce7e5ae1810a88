#!/usr/bin/env bash
# The whole test suite from a fresh Debian 12 machine: packages, build, ctest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/build.sh"
cd "${BUILD_DIR:-$ROOT/build}"
ctest -j"$(nproc)" --output-on-failure "$@"
