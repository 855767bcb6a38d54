#!/bin/sh
# Rebuild the built-in model from nothing: data, autoencoder (+ latents), text encoder + UNet, ONNX export, and the
# Python-side evaluation. Budgets are wall-clock minutes; the defaults take about 80 minutes on 2 CPU cores.
#   VAE_MINUTES=10 DECODER_MINUTES=0 UNET_MINUTES=57 ./retrain.sh
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export OMP_WAIT_POLICY=PASSIVE  # do not spin-wait on a shared machine
$PY make_data.py --count "${COUNT:-60000}"
$PY train.py vae --minutes "${VAE_MINUTES:-10}"          # also encodes the first 36000 images to latents
if [ "${DECODER_MINUTES:-0}" != 0 ]; then
  # optional: fine-tune the decoder with the encoder frozen, alongside the UNet (not used for the release)
  $PY train.py decoder --minutes "$DECODER_MINUTES" --threads 1 &
fi
$PY train.py unet --minutes "${UNET_MINUTES:-57}"
wait
$PY export.py
$PY evaluate.py --limit 360
