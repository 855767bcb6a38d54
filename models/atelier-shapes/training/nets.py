"""The three networks, shaped like Stable Diffusion's but small enough to train on two CPU cores.

- Autoencoder: 64x64x3 <-> 16x16x4 latents (scale factor 4, block_out_channels of length 3).
- Text encoder: token + position embeddings and a few pre-norm transformer layers -> last_hidden_state [B, 77, 128].
- UNet: epsilon prediction at 16x16 latents with self- and cross-attention at every resolution.
All attention is written out with matmuls so the ONNX export is plain and runs everywhere.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

TEXT_WIDTH = 128
LATENT_CHANNELS = 4


def norm(channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(min(16, channels // 4), channels, eps=1e-5)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int | None = None):
        super().__init__()
        self.norm1, self.conv1 = norm(cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.norm2, self.conv2 = norm(cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout) if temb else None
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor, t: torch.Tensor | None = None) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        if self.temb is not None and t is not None:
            h = h + self.temb(F.silu(t))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class Attention(nn.Module):
    def __init__(self, dim: int, context_dim: int | None = None, heads: int = 4):
        super().__init__()
        self.heads = heads
        ctx = context_dim or dim
        self.q, self.k, self.v = nn.Linear(dim, dim, bias=False), nn.Linear(ctx, dim, bias=False), nn.Linear(ctx, dim, bias=False)
        self.out = nn.Linear(dim, dim)

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None,
                key_bias: torch.Tensor | None = None) -> torch.Tensor:
        context = x if context is None else context
        b, n, d = x.shape
        h = self.heads
        q = self.q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k = self.k(context).reshape(b, -1, h, d // h).transpose(1, 2)
        v = self.v(context).reshape(b, -1, h, d // h).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d // h))
        if key_bias is not None:
            scores = scores + key_bias
        out = torch.matmul(scores.softmax(-1), v).transpose(1, 2).reshape(b, n, d)
        return self.out(out)


class FeedForward(nn.Module):
    def __init__(self, dim: int, mult: int = 4):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(dim, dim * mult), nn.Linear(dim * mult, dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(F.gelu(self.fc1(x)))


class TextEncoder(nn.Module):
    """CLIP-like text encoder. Tokens after the first <|endoftext|> are masked out and their states zeroed, so the
    output does not depend on which pad token a tokenizer uses (SD 1.x pads with <|endoftext|>, SD 2.x with '!')."""

    def __init__(self, vocab_size: int, eos_id: int, width: int = TEXT_WIDTH, layers: int = 3, max_len: int = 77):
        super().__init__()
        self.eos_id = eos_id
        self.token = nn.Embedding(vocab_size, width)
        self.position = nn.Parameter(torch.randn(1, max_len, width) * 0.01)
        self.layers = nn.ModuleList()
        for _ in range(layers):
            self.layers.append(nn.ModuleList([nn.LayerNorm(width), Attention(width), nn.LayerNorm(width), FeedForward(width)]))
        self.final = nn.LayerNorm(width)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        ids = input_ids.long()
        is_eos = (ids == self.eos_id).float()
        # 1 up to and including the first <|endoftext|>, 0 after it
        valid = ((torch.cumsum(is_eos, dim=1) - is_eos) < 0.5).float()
        key_bias = ((1.0 - valid) * -1e4)[:, None, None, :]
        x = self.token(ids) + self.position[:, : ids.shape[1]]
        for ln1, attn, ln2, ff in self.layers:  # type: ignore[misc]
            x = x + attn(ln1(x), key_bias=key_bias)
            x = x + ff(ln2(x))
        return self.final(x) * valid[:, :, None]


COORD_FEATURES = 8


def coord_features(size: int = 16) -> torch.Tensor:
    """[1, 8, size, size] fixed 2D coordinates: x, y in [-1, 1] and sin/cos of them at two frequencies."""
    lin = torch.linspace(-1.0, 1.0, size)
    y, x = torch.meshgrid(lin, lin, indexing="ij")
    f = [x, y, torch.sin(math.pi * x / 2), torch.sin(math.pi * y / 2), torch.cos(math.pi * x), torch.cos(math.pi * y),
         torch.sin(math.pi * x), torch.sin(math.pi * y)]
    return torch.stack(f)[None]


def zero_conv(cin: int, cout: int) -> nn.Conv2d:
    """1x1 conv starting at zero: a network resumed from a checkpoint without it computes exactly what it did, and
    the weights still get gradients (the coordinates are not zero), so position is learned from there."""
    conv = nn.Conv2d(cin, cout, 1)
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return conv


class SpatialTransformer(nn.Module):
    """Self-attention + cross-attention + feed-forward over the pixels of a feature map. At the finest level only
    cross-attention is kept (full = False): self-attention over 256 pixels costs more than the rest of the UNet.
    With coords = True the attention input also gets a learned projection of fixed 2D coordinates (as a ViT's
    position embedding), so attention can tell where a pixel is."""

    def __init__(self, channels: int, context_dim: int, full: bool = True, coords: bool = False):
        super().__init__()
        self.full = full
        self.norm = norm(channels)
        self.proj_in = nn.Conv2d(channels, channels, 1)
        self.pos = zero_conv(COORD_FEATURES, channels) if coords else None
        if full:
            self.ln1, self.self_attn = nn.LayerNorm(channels), Attention(channels)
            self.ln3, self.ff = nn.LayerNorm(channels), FeedForward(channels, 2)
        self.ln2, self.cross_attn = nn.LayerNorm(channels), Attention(channels, context_dim)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor, context: torch.Tensor, coords: torch.Tensor | None = None) -> torch.Tensor:
        b, c, hgt, wid = x.shape
        h = self.proj_in(self.norm(x))
        if self.pos is not None and coords is not None:
            h = h + self.pos(F.interpolate(coords, size=(hgt, wid), mode="bilinear", align_corners=False))
        h = h.flatten(2).transpose(1, 2)
        if self.full:
            h = h + self.self_attn(self.ln1(h))
        h = h + self.cross_attn(self.ln2(h), context)
        if self.full:
            h = h + self.ff(self.ln3(h))
        h = h.transpose(1, 2).reshape(b, c, hgt, wid)
        return x + self.proj_out(h)


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class UNet(nn.Module):
    def __init__(self, channels: tuple[int, int] = (32, 64), context_dim: int = TEXT_WIDTH, coords: bool = False):
        super().__init__()
        c1, c2 = channels
        self.channels = channels
        self.coords = coords
        # coords = True: fixed 2D coordinate features, projected into the input and into every attention block
        if coords:
            self.register_buffer("coord_map", coord_features(16), persistent=False)
            self.coord_in = zero_conv(COORD_FEATURES, c1)
        temb = c1 * 4
        self.time = nn.Sequential(nn.Linear(c1, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c1, 3, padding=1)
        # a learned map of where each latent pixel is, so "left" and "top" are easy to find
        self.where = nn.Parameter(torch.zeros(1, c1, 16, 16))
        self.down1, self.attn_d1 = ResBlock(c1, c1, temb), SpatialTransformer(c1, context_dim, False, coords)
        self.pool1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.down2, self.attn_d2 = ResBlock(c1, c2, temb), SpatialTransformer(c2, context_dim, True, coords)
        self.pool2 = nn.Conv2d(c2, c2, 3, stride=2, padding=1)
        self.mid1, self.attn_mid = ResBlock(c2, c2, temb), SpatialTransformer(c2, context_dim, True, coords)
        self.mid2 = ResBlock(c2, c2, temb)
        self.up2, self.attn_u2 = ResBlock(c2 + c2, c2, temb), SpatialTransformer(c2, context_dim, True, coords)
        self.up1, self.attn_u1 = ResBlock(c2 + c1, c1, temb), SpatialTransformer(c1, context_dim, False, coords)
        self.norm_out, self.conv_out = norm(c1), nn.Conv2d(c1, LATENT_CHANNELS, 3, padding=1)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor) -> torch.Tensor:
        t = self.time(timestep_embedding(timestep, self.channels[0]))
        ctx = encoder_hidden_states
        h = self.conv_in(sample)
        # resize the position map to the input so other sizes than 16x16 latents still run
        h = h + F.interpolate(self.where, size=h.shape[-2:], mode="bilinear", align_corners=False)
        xy = None
        if self.coords:
            xy = F.interpolate(self.coord_map, size=h.shape[-2:], mode="bilinear", align_corners=False)
            h = h + self.coord_in(xy)
        s1 = self.attn_d1(self.down1(h, t), ctx, xy)
        s2 = self.attn_d2(self.down2(self.pool1(s1), t), ctx, xy)
        m = self.mid2(self.attn_mid(self.mid1(self.pool2(s2), t), ctx, xy), t)
        u = F.interpolate(m, size=s2.shape[-2:], mode="nearest")
        u = self.attn_u2(self.up2(torch.cat([u, s2], 1), t), ctx, xy)
        u = F.interpolate(u, size=s1.shape[-2:], mode="nearest")
        u = self.attn_u1(self.up1(torch.cat([u, s1], 1), t), ctx, xy)
        return self.conv_out(F.silu(self.norm_out(u)))


class Encoder(nn.Module):
    def __init__(self, ch: tuple[int, int, int]):
        super().__init__()
        self.conv_in = nn.Conv2d(3, ch[0], 3, padding=1)
        self.b0 = ResBlock(ch[0], ch[0])
        self.d0 = nn.Conv2d(ch[0], ch[1], 3, stride=2, padding=1)
        self.b1 = ResBlock(ch[1], ch[1])
        self.d1 = nn.Conv2d(ch[1], ch[2], 3, stride=2, padding=1)
        self.b2 = ResBlock(ch[2], ch[2])
        self.norm_out, self.conv_out = norm(ch[2]), nn.Conv2d(ch[2], 2 * LATENT_CHANNELS, 3, padding=1)

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.b2(self.d1(self.b1(self.d0(self.b0(self.conv_in(x))))))
        moments = self.conv_out(F.silu(self.norm_out(h)))
        mean, logvar = moments.chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)


class Decoder(nn.Module):
    def __init__(self, ch: tuple[int, int, int]):
        super().__init__()
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, ch[2], 3, padding=1)
        self.b2 = ResBlock(ch[2], ch[2])
        self.u1 = nn.Conv2d(ch[2], ch[1], 3, padding=1)
        self.b1 = ResBlock(ch[1], ch[1])
        self.u0 = nn.Conv2d(ch[1], ch[0], 3, padding=1)
        self.b0 = ResBlock(ch[0], ch[0])
        self.norm_out, self.conv_out = norm(ch[0]), nn.Conv2d(ch[0], 3, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.b2(self.conv_in(z))
        h = self.b1(self.u1(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        h = self.b0(self.u0(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        return self.conv_out(F.silu(self.norm_out(h)))


class AutoEncoder(nn.Module):
    def __init__(self, ch: tuple[int, int, int] = (16, 32, 64)):
        super().__init__()
        self.block_out_channels = ch
        self.encoder, self.decoder = Encoder(ch), Decoder(ch)


def count(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
