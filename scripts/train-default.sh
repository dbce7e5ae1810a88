#!/usr/bin/env bash
# Reproduces the bundled checkpoint and its baseline (see checkpoints/README.md for the figures).
#   scripts/train-default.sh            about 75 min on 2 CPU cores; minutes on a GPU
# Three runs share one tokenizer (init_from brings it along): the AR baseline's first 800 steps are the WFC model's start, and
# the baseline then gets the same 800 further steps under the same schedule, so both end on the
# same token budget. The WFC checkpoint is copied to checkpoints/default.safetensors.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
[ -s data/brown/train.txt ] || scripts/fetch-brown.sh
WFC=build/wfc
$WFC train --config checkpoints/configs/ar-base.json "$@"
$WFC train --config checkpoints/configs/wfc.json "$@"
$WFC train --config checkpoints/configs/ar-continued.json "$@"
$WFC eval runs/wfc/ckpt.safetensors runs/ar/ckpt.safetensors runs/ar-base/ckpt.safetensors --windows 256
cp runs/wfc/ckpt.safetensors checkpoints/default.safetensors.tmp
mv checkpoints/default.safetensors.tmp checkpoints/default.safetensors
