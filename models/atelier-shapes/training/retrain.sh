#!/bin/sh
# Rebuild the built-in model from nothing: data, autoencoder, latents, text encoder + UNet, ONNX export, evaluation.
# Budgets are wall-clock minutes (defaults fit in about 75 minutes on 2 CPU cores); override with the variables.
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export OMP_WAIT_POLICY=PASSIVE  # do not spin on a shared machine
$PY make_data.py --count "${COUNT:-60000}"
$PY train.py vae --minutes "${VAE_MINUTES:-4}"
$PY train.py latents --limit "${LATENTS:-36000}"
$PY train.py unet --minutes "${UNET_MINUTES:-60}"
$PY export.py
$PY evaluate.py --limit 360
