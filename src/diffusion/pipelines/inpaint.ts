/**
 * Inpainting with an ordinary (4-channel) UNet by latent blending: start the masked area from pure noise, and after
 * every step overwrite the unmasked area with the original latents re-noised to the next step's level (diffusers'
 * StableDiffusionInpaintPipeline for num_channels_unet == 4). The decoded result is composited over the original
 * so pixels outside the mask are kept exactly (up to resampling).
 */
import type { RawImage } from '../../imaging/raw-image.ts';
import { imageToTensor, maskToWeights } from '../image-tensor.ts';
import { denoise } from './denoise.ts';
import { img2imgSchedule, maxSteps, startingLatents } from './image-to-image.ts';
import { decodeLatents, previewHandler, type PipelineJob } from './job.ts';

export async function inpaint(job: PipelineJob, images: RawImage[], mask: RawImage, strength = 1): Promise<RawImage[]> {
  const imageLatents = await startingLatents(job, images.slice(0, 1));
  const latentMask = await maskToWeights(mask, job.latentWidth, job.latentHeight);
  const { total, start } = img2imgSchedule(job.steps, strength, maxSteps(job));
  job.scheduler.setTimesteps(total);
  const noise = job.rng.randn(imageLatents.length);
  let latents: Float32Array;
  if (start === 0) {
    latents = Float32Array.from(noise, (v) => v * job.scheduler.initNoiseSigma);
  } else {
    latents = job.scheduler.addNoise(imageLatents, noise, start);
  }
  const final = await denoise({
    model: job.model,
    scheduler: job.scheduler,
    latents,
    batch: job.batch,
    latentHeight: job.latentHeight,
    latentWidth: job.latentWidth,
    startIndex: start,
    cond: job.cond,
    pixelHeight: job.height,
    pixelWidth: job.width,
    rng: job.rng,
    blend: { mask: latentMask, imageLatents, noise },
    previewAfter: job.previewAfter,
    onPreview: previewHandler(job),
    onProgress: job.onProgress,
    signal: job.signal,
    onStepTime: job.timings ? (ms) => job.timings?.unetSteps.push(ms) : undefined,
  });
  const generated = await decodeLatents(job, final);
  const original = await imageToTensor(images[0], job.width, job.height);
  const pixelMask = await maskToWeights(mask, job.width, job.height);
  return generated.map((g) => composite(g, original, pixelMask));
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
