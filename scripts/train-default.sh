#!/usr/bin/env bash
# Reproduces the bundled checkpoint and its baseline (see checkpoints/README.md for the figures).
#   scripts/train-default.sh            about 85 min on 2 CPU cores; minutes on a GPU
# Five runs share one tokenizer (init_from brings it along). An AR model's first 800 steps (A) are
# the WFC model's start; W trains 800 steps under the block mask, then 200 under the held mask (the
# bundled model: W's rising tail without the block mask's window-end dip). The AR baseline gets the
# same steps under the same schedules (800 from A, then 200), so both end on the same token budget.
# The WFC checkpoint is copied to checkpoints/default.safetensors.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh >/dev/null
[ -s data/brown/train.txt ] || scripts/fetch-brown.sh
WFC=build/wfc
$WFC train --config checkpoints/configs/ar-base.json "$@"
$WFC train --config checkpoints/configs/wfc.json "$@"
$WFC train --config checkpoints/configs/ar-continued.json "$@"
$WFC train --config checkpoints/configs/wfc-held-ft.json "$@"
$WFC train --config checkpoints/configs/ar-ft.json "$@"
$WFC eval runs/wfc-held-ft/ckpt.safetensors runs/ar-ft/ckpt.safetensors runs/wfc/ckpt.safetensors runs/ar/ckpt.safetensors --windows 256
cp runs/wfc-held-ft/ckpt.safetensors checkpoints/default.safetensors.tmp
mv checkpoints/default.safetensors.tmp checkpoints/default.safetensors
