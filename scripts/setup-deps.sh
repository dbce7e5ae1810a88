#!/usr/bin/env bash
# Installs everything wfc needs on a fresh Debian 12 machine. Idempotent: a second run only
# checks. Called by scripts/test.sh and scripts/view.sh; safe to run by hand.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

# libgloo-dev: the headers LibTorch's c10d Gloo backend includes (data-parallel training on CPU).
PKGS=(build-essential cmake ninja-build ccache pkg-config git
      libtorch-dev libimgui-dev libglfw3-dev libgtest-dev libepoxy-dev libstb-dev nlohmann-json3-dev
      libopenblas0-openmp libgloo-dev
      libprotobuf-dev protobuf-compiler dpkg-dev libssl-dev
      libegl-dev libegl-mesa0 libgl1-mesa-dri
      xvfb xauth xdotool imagemagick fonts-jetbrains-mono
      nodejs npm openssl)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs/npm may come from elsewhere (nodesource); accept any working binaries.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# LibTorch's speed here is decided by the system BLAS (20-50x): select OpenBLAS built for OpenMP,
# which shares libgomp's thread pool with torch instead of fighting it.
for lib in libblas.so.3 liblapack.so.3; do
  alt="$lib-x86_64-linux-gnu"
  want="/usr/lib/x86_64-linux-gnu/openblas-openmp/$lib"
  cur="$(update-alternatives --query "$alt" 2>/dev/null | awk '/^Value:/{print $2}')"
  if [ "$cur" != "$want" ]; then
    echo "setup: selecting $want"
    $SUDO update-alternatives --set "$alt" "$want" >/dev/null
  fi
done

# sentencepiece: Debian's shared library carries its own protobuf-lite and crashes next to
# LibTorch's libprotobuf before main. Build the same 0.1.97 from Debian's source package, static,
# against the system protobuf (this way also works under AddressSanitizer).
"$ROOT/scripts/build-sentencepiece.sh"
