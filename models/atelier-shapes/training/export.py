"""Export the trained networks to the diffusers ONNX layout at models/atelier-shapes/.

  python3 export.py            # uses the EMA weights in ../checkpoints/unet.pt
  python3 export.py --checkpoint unet-coords.pt --out /tmp/shapes-try/atelier-shapes
                               # a candidate into a scratch folder (tokenizer copied), to evaluate before release
Writes model_index.json, atelier.json, scheduler/, tokenizer/ (already written by make_data.py), text_encoder/,
unet/, vae_encoder/, vae_decoder/ — each network as model.onnx (float32, opset 17, constant-folded) plus config.json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil

import torch
from torch import nn

import evaluate
import nets
import train

OPSET = 17
DIFFUSERS_VERSION = "0.35.2"
ROOT = train.ROOT


class TextEncoderExport(nn.Module):
    def __init__(self, te: nets.TextEncoder):
        super().__init__()
        self.te = te

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.te(input_ids)


class EncoderExport(nn.Module):
    """Deterministic: returns the mean of the latent distribution (the pipeline multiplies by scaling_factor)."""

    def __init__(self, ae: nets.AutoEncoder):
        super().__init__()
        self.encoder = ae.encoder
        # only the mean half of the last conv, so the exported output has a static channel count
        full = ae.encoder.conv_out
        self.mean_out = nn.Conv2d(full.in_channels, nets.LATENT_CHANNELS, 3, padding=1)
        with torch.no_grad():
            self.mean_out.weight.copy_(full.weight[: nets.LATENT_CHANNELS])
            self.mean_out.bias.copy_(full.bias[: nets.LATENT_CHANNELS])

    def forward(self, sample: torch.Tensor) -> torch.Tensor:
        return self.mean_out(self.encoder.features(sample))


def write_json(path: str, data: dict) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=2)
        f.write("\n")


def export(module: nn.Module, args: tuple, path: str, inputs: list[str], outputs: list[str], axes: dict) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(module, args, path, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                      opset_version=OPSET, do_constant_folding=True)
    print(f"{path}: {os.path.getsize(path) / 1e6:.2f} MB")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkpoint", default="unet.pt", help="text encoder + UNet checkpoint in checkpoints/")
    ap.add_argument("--out", default=ROOT, help="model folder to write (default: the released model)")
    args = ap.parse_args()
    out = os.path.abspath(args.out)
    if out != os.path.abspath(ROOT):
        shutil.copytree(os.path.join(ROOT, "tokenizer"), os.path.join(out, "tokenizer"), dirs_exist_ok=True)
    tok, te, unet, ae, scaling = evaluate.load(ema=True, checkpoint=args.checkpoint)
    hidden = nets.TEXT_WIDTH
    ids = torch.tensor([tok("a red circle on the left"), tok("")], dtype=torch.int32)
    export(TextEncoderExport(te), (ids,), os.path.join(out, "text_encoder", "model.onnx"), ["input_ids"],
           ["last_hidden_state"], {"input_ids": {0: "batch", 1: "sequence"},
                                   "last_hidden_state": {0: "batch", 1: "sequence"}})
    lat = (nets.LATENT_CHANNELS, nets.LATENT_SIZE, nets.LATENT_SIZE)
    sample = torch.randn(2, *lat)
    export(unet, (sample, torch.tensor([999.0, 999.0]), torch.randn(2, 77, hidden)),
           os.path.join(out, "unet", "model.onnx"), ["sample", "timestep", "encoder_hidden_states"], ["out_sample"],
           {"sample": {0: "batch", 2: "height", 3: "width"}, "timestep": {0: "batch"},
            "encoder_hidden_states": {0: "batch", 1: "sequence"}, "out_sample": {0: "batch", 2: "height", 3: "width"}})
    export(ae.decoder, (torch.randn(1, *lat),), os.path.join(out, "vae_decoder", "model.onnx"),
           ["latent_sample"], ["sample"], {"latent_sample": {0: "batch", 2: "height", 3: "width"},
                                           "sample": {0: "batch", 2: "height", 3: "width"}})
    probe = torch.rand(2, 3, 64, 64) * 2 - 1
    with torch.no_grad():
        assert torch.allclose(EncoderExport(ae)(probe), ae.encoder(probe)[0], atol=1e-5)
    export(EncoderExport(ae), (torch.randn(1, 3, 64, 64),), os.path.join(out, "vae_encoder", "model.onnx"),
           ["sample"], ["latent_sample"], {"sample": {0: "batch", 2: "height", 3: "width"},
                                           "latent_sample": {0: "batch", 2: "height", 3: "width"}})

    onnx_model = ["diffusers", "OnnxRuntimeModel"]
    write_json(os.path.join(out, "model_index.json"), {
        "_class_name": "OnnxStableDiffusionPipeline", "_diffusers_version": DIFFUSERS_VERSION,
        "feature_extractor": [None, None], "requires_safety_checker": False, "safety_checker": [None, None],
        "scheduler": ["diffusers", "EulerDiscreteScheduler"], "text_encoder": onnx_model,
        "tokenizer": ["transformers", "CLIPTokenizer"], "unet": onnx_model, "vae_decoder": onnx_model,
        "vae_encoder": onnx_model})
    write_json(os.path.join(out, "scheduler", "scheduler_config.json"), {
        "_class_name": "EulerDiscreteScheduler", "_diffusers_version": DIFFUSERS_VERSION,
        "num_train_timesteps": train.NUM_TRAIN_TIMESTEPS, "beta_start": train.BETA_START, "beta_end": train.BETA_END,
        "beta_schedule": "scaled_linear", "trained_betas": None, "prediction_type": train.PREDICTION_TYPE,
        "interpolation_type": "linear", "use_karras_sigmas": False, "timestep_spacing": "trailing", "steps_offset": 1,
        "timestep_type": "discrete", "rescale_betas_zero_snr": False, "final_sigmas_type": "zero"})
    write_json(os.path.join(out, "text_encoder", "config.json"), {
        "architectures": ["CLIPTextModel"], "model_type": "clip_text_model", "hidden_size": hidden,
        "intermediate_size": hidden * 4, "num_hidden_layers": len(te.layers), "num_attention_heads": 4,
        "max_position_embeddings": 77, "vocab_size": len(tok.vocab), "hidden_act": "gelu",
        "bos_token_id": tok.bos, "eos_token_id": tok.eos, "pad_token_id": tok.eos, "torch_dtype": "float32"})
    c1, c2 = unet.channels
    write_json(os.path.join(out, "unet", "config.json"), {
        "_class_name": "UNet2DConditionModel", "_diffusers_version": DIFFUSERS_VERSION,
        "sample_size": nets.LATENT_SIZE, "in_channels": nets.LATENT_CHANNELS, "out_channels": nets.LATENT_CHANNELS,
        "cross_attention_dim": hidden, "block_out_channels": [c1, c2],
        "down_block_types": ["CrossAttnDownBlock2D", "CrossAttnDownBlock2D"],
        "up_block_types": ["CrossAttnUpBlock2D", "CrossAttnUpBlock2D"], "mid_block_type": "UNetMidBlock2DCrossAttn",
        "layers_per_block": 1, "attention_head_dim": 4, "norm_num_groups": 16, "act_fn": "silu"})
    vae = {"_class_name": "AutoencoderKL", "_diffusers_version": DIFFUSERS_VERSION, "in_channels": 3,
           "out_channels": 3, "latent_channels": nets.LATENT_CHANNELS,
           "block_out_channels": list(ae.block_out_channels), "layers_per_block": 1, "sample_size": 64,
           "scaling_factor": round(scaling, 6), "act_fn": "silu"}
    write_json(os.path.join(out, "vae_decoder", "config.json"), vae)
    write_json(os.path.join(out, "vae_encoder", "config.json"), vae)
    write_json(os.path.join(out, "atelier.json"), {
        "id": "atelier-shapes",
        "description": "Atelier's built-in 64x64 text-to-image model of flat coloured shapes (circle, square, "
                       "triangle, star, ring, diamond) on plain or gradient backgrounds; trained in this repository.",
        "guidance_scale": train.GUIDANCE_SCALE, "native_size": 64,
        "quality": {"low": {"steps": 8}, "medium": {"steps": 16}, "high": {"steps": 30}}})


if __name__ == "__main__":
    main()
