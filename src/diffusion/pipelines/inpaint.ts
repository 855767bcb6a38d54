/**
 * Inpainting: the mask's transparent area of the first image is repainted.
 *
 * - Ordinary (4-channel) UNets use latent blending: the masked area starts from pure noise, and after every step the
 *   unmasked area is overwritten with the original latents re-noised to the next step's level (diffusers'
 *   StableDiffusionInpaintPipeline for num_channels_unet == 4).
 * - Dedicated inpainting UNets (9 channels) get the binarised mask and the masked image's latents as extra input
 *   channels at every step (the same pipeline for num_channels_unet == 9).
 *
 * Either way the decoded result is composited over the original, so pixels outside the mask are kept as they were.
 */
import type { RawImage } from '../../imaging/raw-image.ts';
import { imageToTensor, maskToWeights } from '../image-tensor.ts';
import { denoise } from './denoise.ts';
import { img2imgSchedule, maxSteps, startingLatents } from './image-to-image.ts';
import { decodeLatents, denoiseParams, type PipelineJob } from './job.ts';

export async function inpaint(job: PipelineJob, images: RawImage[], mask: RawImage, strength = 1): Promise<RawImage[]> {
  const original = await imageToTensor(images[0], job.width, job.height);
  const pixelMask = await maskToWeights(mask, job.width, job.height);
  const { total, start } = img2imgSchedule(job.steps, strength, maxSteps(job));
  job.scheduler.setTimesteps(total);
  const common = denoiseParams(job);
  let final: Float32Array;
  if (job.model.inpaintingUnet) {
    // diffusers' order: the starting noise first, then the masked image's latents.
    const count = job.batch * job.model.folder.latentChannels * job.latentHeight * job.latentWidth;
    const noise = job.rng.randn(count);
    const latents = Float32Array.from(noise, (v) => v * job.scheduler.initNoiseSigma);
    final = await denoise({ ...common, latents, startIndex: 0, extraChannels: await maskChannels(job, original, pixelMask) });
  } else {
    const imageLatents = await startingLatents(job, images.slice(0, 1));
    const latentMask = await maskToWeights(mask, job.latentWidth, job.latentHeight);
    const noise = job.rng.randn(imageLatents.length);
    const latents = start === 0
      ? Float32Array.from(noise, (v) => v * job.scheduler.initNoiseSigma)
      : job.scheduler.addNoise(imageLatents, noise, start);
    final = await denoise({ ...common, latents, startIndex: start, blend: { mask: latentMask, imageLatents, noise } });
  }
  const generated = await decodeLatents(job, final);
  return generated.map((g) => composite(g, original, pixelMask));
}

/**
 * The 5 extra channels of an inpainting UNet, per batch item: the binarised mask downsampled by nearest neighbour
 * (torch.nn.functional.interpolate's default), then vae.encode(image * (mask < 0.5)).
 */
async function maskChannels(job: PipelineJob, original: Float32Array, pixelMask: Float32Array): Promise<{ data: Float32Array; channels: number }> {
  const encoder = job.model.encoder;
  if (!encoder) throw new Error(`${job.model.folder.id} has no vae_encoder`);
  const { width, height, latentWidth: lw, latentHeight: lh } = job;
  const plane = width * height;
  const masked = new Float32Array(original.length);
  for (let i = 0; i < plane; i++) {
    const keep = pixelMask[i] < 0.5 ? 1 : 0;
    for (let c = 0; c < 3; c++) masked[c * plane + i] = original[c * plane + i] * keep;
  }
  const maskedLatents = await encoder.encode(masked, width, height, job.rng);
  const factor = job.model.folder.vaeScaleFactor;
  const latentMask = new Float32Array(lh * lw);
  for (let y = 0; y < lh; y++) {
    for (let x = 0; x < lw; x++) latentMask[y * lw + x] = pixelMask[y * factor * width + x * factor] >= 0.5 ? 1 : 0;
  }
  const channels = 1 + job.model.folder.latentChannels;
  const per = channels * lh * lw;
  const data = new Float32Array(job.batch * per);
  for (let b = 0; b < job.batch; b++) {
    data.set(latentMask, b * per);
    data.set(maskedLatents, b * per + lh * lw);
  }
  return { data, channels };
}

/** out = mask * generated + (1 - mask) * original, per pixel. */
function composite(generated: RawImage, original: Float32Array, mask: Float32Array): RawImage {
  const plane = generated.width * generated.height;
  const data = new Uint8Array(generated.data.length);
  for (let i = 0; i < plane; i++) {
    const m = mask[i];
    for (let c = 0; c < 3; c++) {
      const orig = (original[c * plane + i] + 1) * 127.5;
      data[i * 3 + c] = Math.round(m * generated.data[i * 3 + c] + (1 - m) * orig);
    }
  }
  return { ...generated, data };
}
