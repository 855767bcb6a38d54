#!/bin/sh
# Rebuild the built-in model from nothing: data (images, captions, and training-only supervision: each latent cell's
# shape kind and each caption word's object), autoencoder (+ latents), the decoder sharpened with the encoder frozen,
# text encoder + UNet (then a fine-tune at a smaller batch and lower learning rate), ONNX export, and the Python-side
# evaluation. Budgets are wall-clock minutes; the defaults take about 2 hours on 2 CPU cores.
#   VAE_MINUTES=20 DECODER_MINUTES=25 UNET_MINUTES=47 FINETUNE_MINUTES="15 8" ./retrain.sh
# FROM=decoder or FROM=unet ./retrain.sh starts at that stage and keeps what comes before it in checkpoints/ (the
# UNet learns the encoder's latent space; the decoder pass leaves the encoder, and so that space, as it was).
set -eu
cd "$(dirname "$0")"
PY=${PYTHON:-/usr/bin/python3}
export OMP_WAIT_POLICY=PASSIVE  # do not spin-wait on a shared machine
case "${FROM:-data}" in
  data)
    $PY make_data.py --count "${COUNT:-60000}"
    $PY train.py vae --minutes "${VAE_MINUTES:-20}"          # also encodes the training set to latents
    $PY train.py decoder --minutes "${DECODER_MINUTES:-25}"  # the encoder stays frozen: the latents stay valid
    ;;
  decoder) $PY train.py decoder --minutes "${DECODER_MINUTES:-25}" ;;
  unet) ;;
  *) echo "FROM must be data, decoder or unet" >&2; exit 2 ;;
esac
$PY train.py unet --minutes "${UNET_MINUTES:-47}"
# more, smaller steps at a lower rate, each pass a fresh learning-rate cycle: the text encoder's binding of colours
# to shapes kept improving here, and a second pass on the fourth version's UNet took shape kinds from 75.0% to 79.6%
for minutes in ${FINETUNE_MINUTES:-15 8}; do
  $PY train.py unet --minutes "$minutes" --resume --lr 2e-4 --batch 64
done
$PY export.py
$PY evaluate.py --limit 360
