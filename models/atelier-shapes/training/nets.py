"""The three networks, shaped like Stable Diffusion's but small enough to train on two CPU cores.

- Autoencoder: 64x64x3 <-> 8x8x8 latents (scale factor 8 as in SD, block_out_channels of length 4).
- Text encoder: token + position embeddings and a few pre-norm transformer layers -> last_hidden_state [B, 77, 128].
- UNet: v-prediction at 8x8 latents (and 4x4 below) with self- and cross-attention at every resolution.
Small latents are the point: the UNet, the part that is slow to train, then has 512 numbers to get right per image
instead of 12,288, and one latent cell is about one small shape, so "a star on the left" is a few cells' worth.
All attention is written out with matmuls so the ONNX export is plain and runs everywhere.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

TEXT_WIDTH = 128
LATENT_CHANNELS = 8  # more than SD's 4: an 8x8 cell must carry a whole small shape's kind, colour and offset
# One entry per resolution 64/32/16/8: scale factor 8, as in every SD VAE. 32 channels and a ResBlock at full
# resolution: with 16 and none, small stars decoded as pentagons and small diamonds as discs (their points are 2-5
# pixels, drawn only at 64x64), and more decoder training alone did not change that.
VAE_CHANNELS = (32, 48, 96, 128)
LATENT_SIZE = 8
UNET_CHANNELS = (64, 128)


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
                key_bias: torch.Tensor | None = None, zero_keys: int = 0) -> torch.Tensor:
        """`zero_keys`: the context is followed by this many all-zero states. The projections have no bias, so each
        such key scores exactly 0 and carries a zero value: one extra score of log(zero_keys) in the softmax gives the
        same result as attending to all of them, without computing them (training runs at the captions' length)."""
        context = x if context is None else context
        b, n, d = x.shape
        h = self.heads
        q = self.q(x).reshape(b, n, h, d // h).transpose(1, 2)
        k = self.k(context).reshape(b, -1, h, d // h).transpose(1, 2)
        v = self.v(context).reshape(b, -1, h, d // h).transpose(1, 2)
        scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(d // h))
        if key_bias is not None:
            scores = scores + key_bias
        if zero_keys:
            pads = scores.new_full((*scores.shape[:-1], 1), math.log(zero_keys))
            weights = torch.cat([scores, pads], -1).softmax(-1)[..., :-1]
        else:
            weights = scores.softmax(-1)
        out = torch.matmul(weights, v).transpose(1, 2).reshape(b, n, d)
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


def coord_features(size: int) -> torch.Tensor:
    """[1, 8, size, size] fixed 2D coordinates: x, y in [-1, 1] and sin/cos of them at two frequencies."""
    lin = torch.linspace(-1.0, 1.0, size)
    y, x = torch.meshgrid(lin, lin, indexing="ij")
    f = [x, y, torch.sin(math.pi * x / 2), torch.sin(math.pi * y / 2), torch.cos(math.pi * x), torch.cos(math.pi * y),
         torch.sin(math.pi * x), torch.sin(math.pi * y)]
    return torch.stack(f)[None]


class SpatialTransformer(nn.Module):
    """Self-attention + cross-attention + feed-forward over the pixels of a feature map, as in SD's
    Transformer2DModel. Each block also adds a learned projection of fixed 2D coordinates to its input (as a ViT's
    position embedding): attention by itself cannot tell where a pixel is, and "on the left" needs exactly that."""

    def __init__(self, channels: int, context_dim: int, heads: int = 4):
        super().__init__()
        self.norm = norm(channels)
        self.proj_in = nn.Conv2d(channels, channels, 1)
        self.pos = nn.Conv2d(COORD_FEATURES, channels, 1)
        self.ln1, self.self_attn = nn.LayerNorm(channels), Attention(channels, heads=heads)
        self.ln2, self.cross_attn = nn.LayerNorm(channels), Attention(channels, context_dim, heads=heads)
        self.ln3, self.ff = nn.LayerNorm(channels), FeedForward(channels, 2)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor, context: torch.Tensor, coords: torch.Tensor,
                zero_states: int = 0) -> torch.Tensor:
        b, c, hgt, wid = x.shape
        h = self.proj_in(self.norm(x))
        h = h + self.pos(F.interpolate(coords, size=(hgt, wid), mode="bilinear", align_corners=False))
        h = h.flatten(2).transpose(1, 2)
        h = h + self.self_attn(self.ln1(h))
        h = h + self.cross_attn(self.ln2(h), context, zero_keys=zero_states)
        h = h + self.ff(self.ln3(h))
        h = h.transpose(1, 2).reshape(b, c, hgt, wid)
        return x + self.proj_out(h)


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class UNet(nn.Module):
    """Two resolutions (8x8 and 4x4 for 64x64 images), a ResBlock and a full transformer block at every stage."""

    def __init__(self, channels: tuple[int, int] = UNET_CHANNELS, context_dim: int = TEXT_WIDTH,
                 sample_size: int = LATENT_SIZE):
        super().__init__()
        c1, c2 = channels
        self.channels = channels
        self.register_buffer("coord_map", coord_features(sample_size), persistent=False)
        temb = c1 * 4
        self.time = nn.Sequential(nn.Linear(c1, temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, c1, 3, padding=1)
        self.coord_in = nn.Conv2d(COORD_FEATURES, c1, 1)
        self.down1, self.attn_d1 = ResBlock(c1, c1, temb), SpatialTransformer(c1, context_dim)
        self.pool1 = nn.Conv2d(c1, c1, 3, stride=2, padding=1)
        self.down2, self.attn_d2 = ResBlock(c1, c2, temb), SpatialTransformer(c2, context_dim)
        self.mid1, self.attn_mid = ResBlock(c2, c2, temb), SpatialTransformer(c2, context_dim)
        self.mid2 = ResBlock(c2, c2, temb)
        self.up2, self.attn_u2 = ResBlock(c2 + c2, c2, temb), SpatialTransformer(c2, context_dim)
        self.up1, self.attn_u1 = ResBlock(c2 + c1, c1, temb), SpatialTransformer(c1, context_dim)
        self.norm_out, self.conv_out = norm(c1), nn.Conv2d(c1, LATENT_CHANNELS, 3, padding=1)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor,
                zero_states: int = 0) -> torch.Tensor:
        """`zero_states`: encoder_hidden_states stands for itself followed by this many all-zero (pad) states, as the
        text encoder gives after the caption; training passes only the caption's states (see Attention)."""
        t = self.time(timestep_embedding(timestep, self.channels[0]))
        ctx = encoder_hidden_states
        # coordinates are resized to the input, so other latent sizes than the native one still run
        xy = F.interpolate(self.coord_map, size=sample.shape[-2:], mode="bilinear", align_corners=False)
        h = self.conv_in(sample) + self.coord_in(xy)
        z = zero_states
        s1 = self.attn_d1(self.down1(h, t), ctx, xy, z)
        s2 = self.attn_d2(self.down2(self.pool1(s1), t), ctx, xy, z)
        m = self.mid2(self.attn_mid(self.mid1(s2, t), ctx, xy, z), t)
        u = self.attn_u2(self.up2(torch.cat([m, s2], 1), t), ctx, xy, z)
        u = F.interpolate(u, size=s1.shape[-2:], mode="nearest")
        u = self.attn_u1(self.up1(torch.cat([u, s1], 1), t), ctx, xy, z)
        return self.conv_out(F.silu(self.norm_out(u)))


class Encoder(nn.Module):
    """64x64x3 -> 8x8 moments (mean, logvar): a stride-2 conv per level, a ResBlock below full resolution."""

    def __init__(self, ch: tuple[int, ...]):
        super().__init__()
        self.conv_in = nn.Conv2d(3, ch[0], 3, padding=1)
        self.down = nn.ModuleList(nn.Conv2d(ch[i], ch[i + 1], 3, stride=2, padding=1) for i in range(len(ch) - 1))
        self.blocks = nn.ModuleList(ResBlock(c, c) for c in ch[1:])
        self.norm_out, self.conv_out = norm(ch[-1]), nn.Conv2d(ch[-1], 2 * LATENT_CHANNELS, 3, padding=1)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(x)
        for down, block in zip(self.down, self.blocks):
            h = block(down(h))
        return F.silu(self.norm_out(h))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, logvar = self.conv_out(self.features(x)).chunk(2, dim=1)
        return mean, logvar.clamp(-30, 20)


class Decoder(nn.Module):
    """8x8 latents -> 64x64x3: two ResBlocks at the latent size, then per level nearest upsampling, a conv and a
    ResBlock."""

    def __init__(self, ch: tuple[int, ...]):
        super().__init__()
        self.conv_in = nn.Conv2d(LATENT_CHANNELS, ch[-1], 3, padding=1)
        self.mid = nn.Sequential(ResBlock(ch[-1], ch[-1]), ResBlock(ch[-1], ch[-1]))
        self.up = nn.ModuleList(nn.Conv2d(ch[i + 1], ch[i], 3, padding=1) for i in reversed(range(len(ch) - 1)))
        self.blocks = nn.ModuleList(ResBlock(c, c) for c in reversed(ch[:-1]))
        self.norm_out, self.conv_out = norm(ch[0]), nn.Conv2d(ch[0], 3, 3, padding=1)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.mid(self.conv_in(z))
        for up, block in zip(self.up, self.blocks):
            h = block(up(F.interpolate(h, scale_factor=2.0, mode="nearest")))
        return self.conv_out(F.silu(self.norm_out(h)))


class AutoEncoder(nn.Module):
    def __init__(self, ch: tuple[int, ...] = VAE_CHANNELS):
        super().__init__()
        self.block_out_channels = ch
        self.encoder, self.decoder = Encoder(ch), Decoder(ch)


def count(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
