"""Monitor training: sample the held-out captions from the PyTorch checkpoints and score them with the detector.

  python3 evaluate.py [--steps 16] [--guidance 2] [--limit 360] [--grid /tmp/grid.png]
  python3 evaluate.py --recon     # the autoencoder alone: render, encode, decode, detect (its ceiling)

Samples with the same Euler ("trailing" spacing) math the engine uses, so numbers match the ONNX model's closely.
The product's own evaluation runs through the TypeScript engine: ../eval/evaluate.ts.
"""
from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np
import torch
from PIL import Image

import detector
import nets
import tokenizer
import train
import world


def load(ema: bool = True, checkpoint: str = "unet.pt") -> tuple[tokenizer.ClipTokenizer, nets.TextEncoder, nets.UNet,
                                                                  nets.AutoEncoder, float]:
    tok = tokenizer.ClipTokenizer.load(os.path.join(train.ROOT, "tokenizer"))
    ck = torch.load(os.path.join(train.CKPT, checkpoint))
    te, unet = train.make_text_encoder(tok), nets.UNet()
    te.load_state_dict(ck["ema_text_encoder" if ema else "text_encoder"])
    unet.load_state_dict(ck["ema_unet" if ema else "unet"])
    ae, scaling = load_autoencoder()
    for m in (te, unet):
        m.eval()
    return tok, te, unet, ae, scaling


def load_autoencoder() -> tuple[nets.AutoEncoder, float]:
    vk = torch.load(os.path.join(train.CKPT, "vae.pt"))
    ae = nets.AutoEncoder(tuple(vk["block_out_channels"]))
    ae.load_state_dict(vk["model"])
    dec_path = os.path.join(train.CKPT, "vae-decoder.pt")
    if os.path.exists(dec_path):  # the decoder sharpened with the encoder frozen (train.py decoder)
        ae.decoder.load_state_dict(torch.load(dec_path)["decoder"])
    ae.eval()
    return ae, float(vk.get("scaling_factor", 1.0))


def euler_sigmas(steps: int) -> tuple[np.ndarray, np.ndarray]:
    """diffusers EulerDiscreteScheduler with timestep_spacing="trailing"."""
    ac = train.alphas_cumprod().numpy().astype(np.float64)
    sigmas_all = ((1 - ac) / ac) ** 0.5
    timesteps = (np.round(np.arange(train.NUM_TRAIN_TIMESTEPS, 0, -train.NUM_TRAIN_TIMESTEPS / steps)) - 1).astype(int)
    sigmas = np.append(sigmas_all[timesteps], 0.0)
    return timesteps, sigmas


@torch.no_grad()
def sample(captions: list[str], steps: int, guidance: float, seed: int, models) -> np.ndarray:
    tok, te, unet, ae, scaling = models
    ids = torch.tensor([tok(c) for c in captions] + [tok("")] * len(captions))
    ctx = te(ids)
    g = torch.Generator().manual_seed(seed)
    timesteps, sigmas = euler_sigmas(steps)
    size = nets.LATENT_SIZE
    x = torch.randn(len(captions), nets.LATENT_CHANNELS, size, size, generator=g) * float(sigmas[0])
    for i, t in enumerate(timesteps):
        s = float(sigmas[i])
        inp = torch.cat([x, x]) / (s * s + 1) ** 0.5
        out = unet(inp, torch.full((inp.shape[0],), float(t)), ctx)
        cond, uncond = out.chunk(2)
        v = uncond + guidance * (cond - uncond)
        x0 = v * (-s / (s * s + 1) ** 0.5) + x / (s * s + 1)  # v-prediction, as diffusers' Euler converts it
        x = x + (x - x0) / s * (float(sigmas[i + 1]) - s)
    img = ae.decoder(x / scaling)
    return ((img.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy()


def scene_of(spec: dict) -> world.Scene:
    return world.Scene(background=spec["background"], gradient=spec["gradient"], relation=spec["relation"],
                       shapes=[world.Shape(**s) for s in spec["shapes"]], caption=spec["caption"])


@torch.no_grad()
def reconstructions(specs: list[dict]) -> list[np.ndarray]:
    """Render each held-out scene exactly, then encode and decode it: what the UNet could reach at best."""
    ae, _ = load_autoencoder()
    out = []
    for i in range(0, len(specs), 64):
        imgs = np.stack([np.asarray(world.render(scene_of(s))) for s in specs[i:i + 64]])
        x = torch.from_numpy(imgs).permute(0, 3, 1, 2).float() / 127.5 - 1
        rec = ae.decoder(ae.encoder(x)[0])
        out += list(((rec.clamp(-1, 1) + 1) * 127.5).round().byte().permute(0, 2, 3, 1).numpy())
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=16)
    ap.add_argument("--guidance", type=float, default=train.GUIDANCE_SCALE)
    ap.add_argument("--limit", type=int, default=360)
    ap.add_argument("--grid", default="")
    ap.add_argument("--raw", action="store_true", help="use the raw weights instead of the EMA")
    ap.add_argument("--checkpoint", default="unet.pt", help="text encoder + UNet checkpoint in checkpoints/")
    ap.add_argument("--recon", action="store_true", help="score autoencoder reconstructions of the scenes instead")
    args = ap.parse_args()
    torch.set_num_threads(2)
    specs = json.load(open(os.path.join(train.ROOT, "eval", "heldout-captions.json")))
    if args.limit < len(specs):  # keep the 1/2/3-shape mix when evaluating a subset
        specs = specs[::max(1, len(specs) // args.limit)][: args.limit]
    templates = detector.load_templates()
    start = time.time()
    if args.recon:
        images = reconstructions(specs)
    else:
        models = load(ema=not args.raw, checkpoint=args.checkpoint)
        images = []
        for i in range(0, len(specs), 24):
            captions = [s["caption"] for s in specs[i:i + 24]]
            images += list(sample(captions, args.steps, args.guidance, 1000 + i, models))
    results = [detector.score(spec, detector.analyse(img, templates)) for spec, img in zip(specs, images)]
    print(json.dumps({"steps": args.steps, "guidance": args.guidance, "seconds": round(time.time() - start, 1),
                      "summary": detector.summarise(results, specs)}, indent=1))
    if args.grid:
        n = min(64, len(images))
        grid = Image.new("RGB", (8 * 64, ((n + 7) // 8) * 64))
        for k in range(n):
            grid.paste(Image.fromarray(images[k]), ((k % 8) * 64, (k // 8) * 64))
        grid.save(args.grid)
        with open(args.grid + ".txt", "w") as f:
            f.write("\n".join(s["caption"] for s in specs[:n]))


if __name__ == "__main__":
    main()
