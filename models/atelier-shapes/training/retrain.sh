#!/bin/sh
# Rebuild the built-in model from nothing: data, autoencoder (+ latents), text encoder + UNet, then the decoder
# sharpened with the encoder frozen, ONNX export, and the Python-side evaluation. Budgets are wall-clock minutes;
# the defaults take about 115 minutes on 2 CPU cores.
#   VAE_MINUTES=16 UNET_MINUTES=70 DECODER_MINUTES=20 ./retrain.sh
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export OMP_WAIT_POLICY=PASSIVE  # do not spin-wait on a shared machine
$PY make_data.py --count "${COUNT:-60000}"
$PY train.py vae --minutes "${VAE_MINUTES:-16}"          # also encodes the training set to latents
$PY train.py unet --minutes "${UNET_MINUTES:-70}"
$PY train.py decoder --minutes "${DECODER_MINUTES:-20}"  # the UNet's latents stay valid: the encoder is frozen
$PY export.py
$PY evaluate.py --limit 360
