#!/usr/bin/env bash
# Builds sentencepiece 0.1.97 (Debian's source package) as a static library linked against the
# system libprotobuf, into third_party/sentencepiece (ignored by git). Skips when already built.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX="$ROOT/third_party/sentencepiece"
STAMP="$PREFIX/.built-0.1.97"
[ -f "$STAMP" ] && exit 0

WORK="$(mktemp -d)"; trap 'rm -rf "$WORK"' EXIT
# A private source list gives deb-src without touching the system's apt configuration.
mkdir -p "$WORK/lists/partial"
cat > "$WORK/src.sources" <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
APT=(-o APT::Sandbox::User=root -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$WORK/srcparts"
     -o Dir::State::Lists="$WORK/lists")
mkdir -p "$WORK/srcparts"; cp "$WORK/src.sources" "$WORK/srcparts/"
echo "setup: fetching sentencepiece source"
chmod 755 "$WORK"; apt-get "${APT[@]}" update -qq
(cd "$WORK" && apt-get "${APT[@]}" source -qq --download-only sentencepiece=0.1.97-3 >/dev/null)
(cd "$WORK" && dpkg-source -x --skip-patches sentencepiece_0.1.97-3.dsc spm >/dev/null 2>&1 \
  || dpkg-source -x sentencepiece_0.1.97-3.dsc spm >/dev/null)
echo "setup: building sentencepiece (static, system protobuf)"
cmake -S "$WORK/spm" -B "$WORK/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_INSTALL_PREFIX="$PREFIX" \
  -DSPM_USE_BUILTIN_PROTOBUF=OFF -DSPM_ENABLE_SHARED=OFF -DSPM_ENABLE_TCMALLOC=OFF \
  -DSPM_BUILD_TEST=OFF >/dev/null
cmake --build "$WORK/build" -j"$(nproc)" >/dev/null
cmake --install "$WORK/build" >/dev/null
touch "$STAMP"
