"""Train the autoencoder, then the text encoder + UNet, each within a wall-clock budget, resumable from checkpoints.

  python3 train.py vae  --minutes 15   # autoencoder, then encodes the training set to latents
  python3 train.py unet --minutes 60   # text encoder + UNet (v-prediction, SD scaled_linear schedule)
  python3 train.py unet --minutes 20 --resume   # continue from checkpoints/unet.pt with a fresh budget
  python3 train.py decoder --minutes 25  # sharpen the decoder with the encoder frozen (the UNet's latents stay valid)

The schedules are time-based (progress = elapsed / budget) because step rates on a shared 2-core machine vary.
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

import nets
import text_targets
import tokenizer
import world

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.environ.get("SHAPES_DATA_DIR", os.path.join(ROOT, "data"))
CKPT = os.environ.get("SHAPES_CHECKPOINT_DIR", os.path.join(ROOT, "checkpoints"))
NUM_TRAIN_TIMESTEPS, BETA_START, BETA_END = 1000, 0.00085, 0.012
CFG_DROPOUT = 0.1
# Classifier-free guidance the model is sampled with (atelier.json, evaluate.py). Measured on 120 held-out captions
# at 16 steps (shape kind / colour): 1 62% / 99%, 1.5 64% / 99%, 2 68% / 99%, 3 67% / 99%, 5 63% / 97%: strong
# guidance turns shapes into blobs. Fourth version, 360 captions (shape kind): 1.5 73%, 2 75%, 3 75%, 4 72%;
# fifth: 1.5 86%, 2 89%, 3 88%.
GUIDANCE_SCALE = 2.0
# SD's schedule never reaches zero SNR: at t=999 the latent's mean still shows the true background, and with only
# 8x8 latents the mean of pure noise is as large as that leak. A model trained on it takes the background from the
# starting noise and ignores the prompt. A random per-channel offset in the noise ("offset noise") breaks the leak;
# a random 2x2 pattern does the same for the coarse layout (which half holds the shape).
OFFSET_NOISE = 0.1
QUADRANT_NOISE = 0.1
MIN_SNR_GAMMA = 5.0
# The UNet predicts v = sqrt(a) * noise - sqrt(1 - a) * x0 (as SD 2.x does), not the noise: at high noise levels,
# where the layout is decided, predicting the noise is nearly free (the input almost is the noise) and teaches
# little, while v is then almost -x0, so the loss there is exactly "draw what the caption says".
PREDICTION_TYPE = "v_prediction"
# The autoencoder decodes its latents with this much Gaussian noise added while it trains, so a slightly-off latent
# from the UNet still decodes to a clean shape (the latents are kept near unit scale by a small penalty).
LATENT_NOISE = 0.1
# A 1x1 head must read each latent cell's shape kind back through this much noise (world.cell_labels). Plain pixel
# losses leave kinds close together in latent space (a small circle and square differ by a third of what two colours
# do), so the UNet's slightly-off latents decoded to blobs; this keeps kinds apart by a margin the noise can't bridge.
CELL_NOISE, CELL_WEIGHT = 0.5, 0.05
# Small stars, diamonds and rings are the hard kinds: a few pixels (star points, a diamond's tips, a ring's hole) tell
# them from a disc. Scenes holding one (46% of the training set) are drawn this many times as often as the others,
# per stage. Measured on v3: its autoencoder rebuilt small stars as pentagons (1 of 59 right), small diamonds 34/74.
HARD_SHAPES = (("star", "small"), ("diamond", "small"), ("ring", "small"))
HARD_OVERSAMPLE = {"vae": 3.0, "decoder": 3.0, "unet": 2.0}
# Weight of the text encoder's per-token object targets (text_targets.py) next to the diffusion loss.
TEXT_TARGET_WEIGHT = 0.05


def alphas_cumprod() -> torch.Tensor:
    betas = torch.linspace(BETA_START ** 0.5, BETA_END ** 0.5, NUM_TRAIN_TIMESTEPS, dtype=torch.float32) ** 2
    return torch.cumprod(1.0 - betas, dim=0)


def log(msg: str) -> None:
    print(time.strftime("%H:%M:%S"), msg, flush=True)


def lr_at(progress: float, peak: float, warmup: float = 0.03) -> float:
    if progress < warmup:
        return peak * progress / warmup
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, (progress - warmup) / (1 - warmup)))))


def scene_weights(n: int, oversample: float) -> torch.Tensor:
    """Sampling weight per training scene: `oversample` for scenes holding one of HARD_SHAPES, 1 for the rest."""
    shapes = np.load(os.path.join(DATA, "train-shapes.npy"))[:n].astype(np.int64)  # [n, MAX_SHAPES, (kind, size)]
    sizes = list(world.SIZES)
    hard = np.zeros(n, dtype=bool)
    for kind, size in HARD_SHAPES:
        hard |= ((shapes[..., 0] == world.SHAPES.index(kind)) & (shapes[..., 1] == sizes.index(size))).any(axis=1)
    log(f"{hard.mean():.1%} of scenes hold a hard shape, drawn {oversample}x as often")
    return torch.from_numpy(np.where(hard, oversample, 1.0))


def train_vae(minutes: float, batch: int, resume: bool, lr: float) -> None:
    """Mostly a deterministic autoencoder: the latent is the encoder's mean, with a small penalty that keeps it
    near unit scale (a KL on the mean only) and fixed-scale noise on it while decoding (see LATENT_NOISE). Pixel
    losses include edge_l1, which keeps star points and diamond tips from being averaged away."""
    images = torch.from_numpy(np.load(os.path.join(DATA, "train-images.npy")))
    cells = torch.from_numpy(np.load(os.path.join(DATA, "train-cells.npy")).astype(np.int64))
    n = images.shape[0]
    ae = nets.AutoEncoder()
    cell_head = torch.nn.Conv2d(nets.LATENT_CHANNELS, len(world.SHAPES) + 1, 1)
    path = os.path.join(CKPT, "vae.pt")
    if resume and os.path.exists(path):
        ck = torch.load(path)
        ae.load_state_dict(ck["model"])
        if "cell_head" in ck:
            cell_head.load_state_dict(ck["cell_head"])
        log("resumed autoencoder")
    opt = torch.optim.Adam(list(ae.parameters()) + list(cell_head.parameters()), lr=lr)
    weights = scene_weights(n, HARD_OVERSAMPLE["vae"])
    start, step = time.time(), 0
    budget = minutes * 60
    while time.time() - start < budget:
        progress = (time.time() - start) / budget
        for g in opt.param_groups:
            g["lr"] = lr_at(progress, lr, warmup=0.0 if resume else 0.03)
        idx = torch.multinomial(weights, batch, replacement=True)
        x = images[idx].permute(0, 3, 1, 2).float() / 127.5 - 1
        mean, _ = ae.encoder(x)
        rec = ae.decoder(mean + LATENT_NOISE * torch.randn_like(mean))
        kl = 0.5 * mean.pow(2).mean()
        kinds = cell_head(mean + CELL_NOISE * torch.randn_like(mean))
        cell_loss = F.cross_entropy(kinds, cells[idx])
        loss = F.mse_loss(rec, x) + F.l1_loss(rec, x) + edge_l1(rec, x) + 1e-3 * kl + CELL_WEIGHT * cell_loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % 25 == 0:
            shaped = cells[idx] < len(world.SHAPES)
            acc = (kinds.argmax(1) == cells[idx])[shaped].float().mean().item()
            log(f"vae step {step} loss {loss.item():.4f} kl {kl.item():.2f} cell kinds {cell_loss.item():.3f} "
                f"({acc:.0%} of shape cells) {step / (time.time() - start):.2f} it/s")
    os.makedirs(CKPT, exist_ok=True)
    torch.save({"model": ae.state_dict(), "block_out_channels": ae.block_out_channels,
                "cell_head": cell_head.state_dict()}, os.path.join(CKPT, "vae.pt"))
    log(f"vae trained: {step} steps")
    stale = os.path.join(CKPT, "vae-decoder.pt")
    if os.path.exists(stale):  # sharpened for the previous encoder's latents; export and evaluation would prefer it
        os.remove(stale)
    encode_latents()


def encode_latents(limit: int = 0) -> None:
    """Encode the training images (the first `limit` if given) with the trained autoencoder (deterministic mean) and
    fix the scaling factor so the scaled latents have unit variance, as SD's 0.18215 does for its VAE."""
    images = torch.from_numpy(np.load(os.path.join(DATA, "train-images.npy"), mmap_mode="r")[:limit or None].copy())
    n = images.shape[0]
    ck = torch.load(os.path.join(CKPT, "vae.pt"))
    ae = nets.AutoEncoder(tuple(ck["block_out_channels"]))
    ae.load_state_dict(ck["model"])
    ae.eval()
    latents = torch.zeros(n, nets.LATENT_CHANNELS, nets.LATENT_SIZE, nets.LATENT_SIZE)
    err = 0.0
    with torch.no_grad():
        for i in range(0, n, 256):
            x = images[i:i + 256].permute(0, 3, 1, 2).float() / 127.5 - 1
            latents[i:i + 256] = ae.encoder(x)[0]
            if i < 2048:
                err += (ae.decoder(latents[i:i + 256]) - x).abs().mean().item() * x.shape[0]
    scaling = 1.0 / latents.std().item()
    log(f"latents done: reconstruction L1 {err / min(n, 2048):.4f} (on [-1,1]), scaling_factor {scaling:.4f}")
    np.save(os.path.join(DATA, "train-latents.npy"), (latents * scaling).numpy().astype(np.float16))
    ck["scaling_factor"] = scaling
    ck["reconstruction_l1"] = err / min(n, 2048)
    torch.save(ck, os.path.join(CKPT, "vae.pt"))


def edge_l1(rec: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """L1 between the images' horizontal and vertical differences: rewards sharp, well-placed edges, which a plain
    pixel loss lets blur (star points and square corners are a few pixels each)."""
    dx = lambda t: t[..., :, 1:] - t[..., :, :-1]  # noqa: E731
    dy = lambda t: t[..., 1:, :] - t[..., :-1, :]  # noqa: E731
    return F.l1_loss(dx(rec), dx(x)) + F.l1_loss(dy(rec), dy(x))


def train_decoder(minutes: float, batch: int, lr: float, threads: int, resume: bool) -> None:
    """Keep sharpening the decoder alone, encoder frozen, so the latent space the UNet learned stays valid.
    Writes checkpoints/vae-decoder.pt, which export and evaluation prefer."""
    torch.set_num_threads(threads)
    images = np.load(os.path.join(DATA, "train-images.npy"), mmap_mode="r")
    latents = torch.from_numpy(np.load(os.path.join(DATA, "train-latents.npy")).astype(np.float32))
    n = latents.shape[0]
    ck = torch.load(os.path.join(CKPT, "vae.pt"))
    scaling = float(ck["scaling_factor"])
    ae = nets.AutoEncoder(tuple(ck["block_out_channels"]))
    ae.load_state_dict(ck["model"])
    dec_path = os.path.join(CKPT, "vae-decoder.pt")
    if resume and os.path.exists(dec_path):
        ae.decoder.load_state_dict(torch.load(dec_path)["decoder"])
        log("resumed decoder")
    opt = torch.optim.Adam(ae.decoder.parameters(), lr=lr)
    weights = scene_weights(n, HARD_OVERSAMPLE["decoder"])
    start, step, last_save = time.time(), 0, time.time()
    budget = minutes * 60

    def save() -> None:
        torch.save({"decoder": ae.decoder.state_dict(), "steps": step}, dec_path + ".tmp")
        os.replace(dec_path + ".tmp", dec_path)

    while time.time() - start < budget:
        progress = (time.time() - start) / budget
        for g in opt.param_groups:
            g["lr"] = lr_at(progress, lr, warmup=0.02)
        idx = np.sort(torch.multinomial(weights, batch).numpy())  # sorted: fewer page faults in the mapped images
        x = torch.from_numpy(images[idx]).permute(0, 3, 1, 2).float() / 127.5 - 1
        z = latents[idx] / scaling  # the encoder's means, as encoded for the UNet
        rec = ae.decoder(z + LATENT_NOISE * torch.randn_like(z))
        loss = F.mse_loss(rec, x) + F.l1_loss(rec, x) + edge_l1(rec, x)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        step += 1
        if step % 25 == 0:
            log(f"decoder step {step} loss {loss.item():.4f} {step / (time.time() - start):.2f} it/s")
        if time.time() - last_save > 120:
            save()
            last_save = time.time()
    save()
    log(f"decoder done: {step} steps")


def make_text_encoder(tok: tokenizer.ClipTokenizer) -> nets.TextEncoder:
    return nets.TextEncoder(len(tok.vocab), tok.eos)


def encode_text(te: nets.TextEncoder, ids: torch.Tensor, eos: int) -> tuple[torch.Tensor, int]:
    """Run the text encoder only up to the longest caption in the batch. Returns those states and how many pad
    positions follow them: pad states are zero (see TextEncoder), so this equals running it on all 77 positions, at
    a fraction of the cost, and the UNet takes the pair as is (its zero_states)."""
    first_eos = (ids == eos).int().argmax(dim=1)
    length = int(first_eos.max().item()) + 1
    return te(ids[:, :length]), ids.shape[1] - length


def text_target_loss(out: torch.Tensor, targets: dict[str, torch.Tensor]) -> torch.Tensor:
    """Cross-entropy per class target (tokens without one are ignored) + squared error on the object's x, y."""
    loss, first = out.new_zeros(()), 0
    for key, width in text_targets.HEAD_SIZES.items():
        logits = out[..., first:first + width].reshape(-1, width)
        first += width
        target = targets[key].reshape(-1)
        if (target != text_targets.IGNORE).any():
            loss = loss + F.cross_entropy(logits, target, ignore_index=text_targets.IGNORE)
    xy, where = out[..., first:first + 2], ~torch.isnan(targets["xy"])
    if where.any():
        loss = loss + 10 * (xy[where] - targets["xy"][where]).pow(2).mean()
    return loss


def train_unet(minutes: float, batch: int, resume: bool, lr: float, name: str = "unet.pt") -> None:
    tok = tokenizer.ClipTokenizer.load(os.path.join(ROOT, "tokenizer"))
    latents = torch.from_numpy(np.load(os.path.join(DATA, "train-latents.npy")).astype(np.float32))
    n = latents.shape[0]
    ids_all = torch.from_numpy(np.load(os.path.join(DATA, "train-ids.npy"))[:n].astype(np.int64))
    empty = torch.tensor(tok(""), dtype=torch.int64)
    with np.load(os.path.join(DATA, "train-token-targets.npz")) as z:
        targets = {k: torch.from_numpy(z[k][:n].astype(np.float32 if k == "xy" else np.int64)) for k in z.files}
    te, unet = make_text_encoder(tok), nets.UNet()
    text_head = torch.nn.Linear(nets.TEXT_WIDTH, text_targets.HEAD_WIDTH)  # training only, never exported
    params = list(te.parameters()) + list(unet.parameters())
    opt = torch.optim.AdamW(params + list(text_head.parameters()), lr=lr, weight_decay=0.01)
    step = 0
    path = os.path.join(CKPT, name)
    if resume and os.path.exists(path):
        ck = torch.load(path)
        te.load_state_dict(ck["text_encoder"])
        unet.load_state_dict(ck["unet"])
        if "text_head" in ck:  # a checkpoint from before the text targets resumes with a fresh optimizer
            text_head.load_state_dict(ck["text_head"])
            opt.load_state_dict(ck["opt"])
        step = ck["step"]
        ema_te, ema_unet = make_text_encoder(tok), nets.UNet()
        ema_te.load_state_dict(ck["ema_text_encoder"])
        ema_unet.load_state_dict(ck["ema_unet"])
        log(f"resumed at step {step}")
    else:
        ema_te, ema_unet = copy.deepcopy(te), copy.deepcopy(unet)
    log(f"text encoder {nets.count(te)} params, unet {nets.count(unet)} params, {n} samples, batch {batch}")
    ema_params = list(ema_te.parameters()) + list(ema_unet.parameters())
    weights = scene_weights(n, HARD_OVERSAMPLE["unet"])
    ac = alphas_cumprod()
    snr = ac / (1 - ac)
    weight = torch.clamp(snr, max=MIN_SNR_GAMMA) / (snr + 1)  # min-SNR weighting for v-prediction
    start, last_save, first_step = time.time(), time.time(), step
    budget = minutes * 60
    losses: list[float] = []
    text_losses: list[float] = []

    def save() -> None:
        os.makedirs(CKPT, exist_ok=True)
        torch.save({"text_encoder": te.state_dict(), "unet": unet.state_dict(), "opt": opt.state_dict(), "step": step,
                    "text_head": text_head.state_dict(),
                    "ema_text_encoder": ema_te.state_dict(), "ema_unet": ema_unet.state_dict()}, path + ".tmp")
        os.replace(path + ".tmp", path)

    while time.time() - start < budget:
        progress = (time.time() - start) / budget
        for g in opt.param_groups:
            g["lr"] = lr_at(progress, lr, warmup=0.0 if resume else 0.03)
        idx = torch.multinomial(weights, batch, replacement=True)
        x0 = latents[idx]
        ids = ids_all[idx].clone()
        drop = torch.rand(batch) < CFG_DROPOUT
        ids[drop] = empty
        t = torch.randint(0, NUM_TRAIN_TIMESTEPS, (batch,))
        noise = (torch.randn_like(x0) + OFFSET_NOISE * torch.randn(batch, x0.shape[1], 1, 1)
                 + QUADRANT_NOISE * F.interpolate(torch.randn(batch, x0.shape[1], 2, 2), size=x0.shape[-2:]))
        a = ac[t][:, None, None, None]
        xt = a.sqrt() * x0 + (1 - a).sqrt() * noise
        v = a.sqrt() * noise - (1 - a).sqrt() * x0
        context, pads = encode_text(te, ids, tok.eos)
        pred = unet(xt, t.float(), context, pads)
        loss = ((pred - v).pow(2).mean(dim=(1, 2, 3)) * weight[t]).mean()
        kept = idx[~drop]  # captions dropped for guidance have nothing to be read back
        kept_targets = {key: val[kept, :context.shape[1]] for key, val in targets.items()}  # pads have none
        text_loss = text_target_loss(text_head(context[~drop]), kept_targets)
        loss = loss + TEXT_TARGET_WEIGHT * text_loss
        text_losses.append(text_loss.item())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        decay = min(0.998, (1 + step) / (10 + step))  # average about the last 500 steps
        with torch.no_grad():
            for pe, p in zip(ema_params, params):
                pe.mul_(decay).add_(p.detach(), alpha=1 - decay)
        losses.append(loss.item() - TEXT_TARGET_WEIGHT * text_losses[-1])
        if step % 25 == 0:
            rate = (step - first_step) / (time.time() - start)
            log(f"unet step {step} loss {np.mean(losses[-100:]):.4f} text targets {np.mean(text_losses[-100:]):.3f} "
                f"lr {opt.param_groups[0]['lr']:.2e} "
                f"{rate:.2f} it/s progress {progress:.2f}")
        if time.time() - last_save > 180:
            save()
            last_save = time.time()
    save()
    log(f"unet done at step {step}")
    with open(os.path.join(CKPT, name.replace(".pt", "") + "-train.json"), "w") as f:
        json.dump({"steps": step, "batch": batch, "final_loss": float(np.mean(losses[-200:]))}, f)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("stage", choices=["vae", "latents", "decoder", "unet"])
    ap.add_argument("--minutes", type=float, default=0)
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("--lr", type=float, default=None, help="peak learning rate (vae 1e-3, decoder 5e-4, unet 6e-4)")
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--limit", type=int, default=0, help="latents stage: encode only the first N training images")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--name", default="unet.pt", help="unet stage: checkpoint file name in checkpoints/")
    args = ap.parse_args()
    args.lr_set = args.lr is not None
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    if args.stage == "vae":
        train_vae(args.minutes, args.batch or 32, args.resume, args.lr if args.lr_set else 1e-3)
    elif args.stage == "decoder":
        train_decoder(args.minutes, args.batch or 32, args.lr if args.lr_set else 5e-4, args.threads, args.resume)
    elif args.stage == "latents":
        encode_latents(args.limit)
    else:
        train_unet(args.minutes, args.batch or 128, args.resume, args.lr if args.lr_set else 6e-4, args.name)


if __name__ == "__main__":
    main()
