#!/bin/sh
# Rebuild the built-in model from nothing: data (images, captions, and training-only supervision: each latent cell's
# shape kind and each caption word's object), autoencoder (+ latents), text encoder + UNet (then a fine-tune at a
# smaller batch and lower learning rate), the decoder sharpened with the encoder frozen, ONNX export, and the
# Python-side evaluation. Budgets are wall-clock minutes; the defaults take about 115 minutes on 2 CPU cores.
#   VAE_MINUTES=20 UNET_MINUTES=50 FINETUNE_MINUTES=15 DECODER_MINUTES=25 ./retrain.sh
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export OMP_WAIT_POLICY=PASSIVE  # do not spin-wait on a shared machine
$PY make_data.py --count "${COUNT:-60000}"
$PY train.py vae --minutes "${VAE_MINUTES:-20}"          # also encodes the training set to latents
$PY train.py unet --minutes "${UNET_MINUTES:-50}"
# more, smaller steps at a lower rate: the text encoder's binding of colours to shapes kept improving here
$PY train.py unet --minutes "${FINETUNE_MINUTES:-15}" --resume --lr 2e-4 --batch 64
$PY train.py decoder --minutes "${DECODER_MINUTES:-25}"  # the UNet's latents stay valid: the encoder is frozen
$PY export.py
$PY evaluate.py --limit 360
