/**
 * The image autoencoders: VAE decode (latents / scaling_factor -> pixels in [-1,1]), VAE encode (pixels -> latent
 * mean * scaling_factor), and TAESD's tiny decoder for cheap previews (UNet-space latents in, [0,1] out).
 */
import type { RawImage } from '../imaging/raw-image.ts';
import { tensorToImage } from './image-tensor.ts';
import type { OnnxModel } from './onnx-model.ts';
import type { TorchGenerator } from './torch-random.ts';

export interface LatentShape {
  channels: number;
  height: number;
  width: number;
}

export class LatentDecoder {
  constructor(
    private readonly model: OnnxModel,
    /** 1/scaling_factor for a VAE; 1 for TAESD, which takes UNet latents as they are. */
    private readonly inputScale: number,
    private readonly range: 'signed' | 'unit',
  ) {}

  /** Decodes each image of the batch separately: a 512px VAE decode is memory-hungry and gains nothing batched. */
  async decode(latents: Float32Array, batch: number, shape: LatentShape): Promise<RawImage[]> {
    const per = shape.channels * shape.height * shape.width;
    const images: RawImage[] = [];
    for (let b = 0; b < batch; b++) {
      const one = new Float32Array(per);
      for (let i = 0; i < per; i++) one[i] = latents[b * per + i] * this.inputScale;
      const out = await this.model.run({ latent_sample: { data: one, dims: [1, shape.channels, shape.height, shape.width] } });
      const sample = out.sample ?? Object.values(out)[0];
      const [, , h, w] = sample.dims;
      images.push(tensorToImage(sample.data, 0, w, h, this.range));
    }
    return images;
  }
}

export class LatentEncoder {
  constructor(
    private readonly model: OnnxModel,
    private readonly scalingFactor: number,
    private readonly latentChannels: number,
  ) {}

  /**
   * Pixels (CHW, [-1,1]) -> latents (CHW) * scaling_factor. With optimum's latent_parameters (mean | logvar) and a
   * generator, the latents are sampled like diffusers' retrieve_latents(vae.encode(x), generator): mean + std * randn,
   * drawing from the request's generator in diffusers' order. The legacy latent_sample output was already sampled
   * inside the graph and is used as it is.
   */
  async encode(pixels: Float32Array, width: number, height: number, rng?: TorchGenerator): Promise<Float32Array> {
    const out = await this.model.run({ sample: { data: pixels, dims: [1, 3, height, width] } });
    const params = out.latent_parameters;
    const t = params ?? out.latent_sample ?? Object.values(out)[0];
    const [, , h, w] = t.dims;
    const per = this.latentChannels * h * w;
    const latents = new Float32Array(per);
    if (params && rng) {
      const noise = rng.randn(per);
      for (let i = 0; i < per; i++) {
        const logvar = Math.min(20, Math.max(-30, params.data[per + i]));
        latents[i] = (params.data[i] + Math.exp(0.5 * logvar) * noise[i]) * this.scalingFactor;
      }
      return latents;
    }
    for (let i = 0; i < per; i++) latents[i] = t.data[i] * this.scalingFactor;
    return latents;
  }
}
