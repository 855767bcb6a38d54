/**
 * Image-to-image (edits without a mask, and variations): encode the input, noise it to the level `strength`
 * selects, and run the remaining steps. The step count is stretched so that `job.steps` UNet evaluations actually
 * run (diffusers runs only steps*strength of them, which is 0 for a 1-step turbo model at strength < 1).
 */
import type { RawImage } from '../../imaging/raw-image.ts';
import { denoise, throwIfAborted } from './denoise.ts';
import { decodeLatents, denoiseParams, type PipelineJob } from './job.ts';
import { imageToTensor } from '../image-tensor.ts';

/** Scheduler steps to set and the index to start from so that `steps` evaluations run at this strength. */
export function img2imgSchedule(steps: number, strength: number, maxTotal: number): { total: number; start: number } {
  const total = Math.min(maxTotal, Math.max(steps, Math.round(steps / strength)));
  return { total, start: total - Math.min(steps, total) };
}

/**
 * Clean latents of the batch's starting image: images[0], with any extra input images mixed in at a combined
 * weight of 25% (they steer colour and layout; the first image stays the subject). Repeated for every batch item.
 */
export async function startingLatents(job: PipelineJob, images: RawImage[]): Promise<Float32Array> {
  const encoder = job.model.encoder;
  if (!encoder) throw new Error(`${job.model.folder.id} has no vae_encoder, so it cannot edit images`);
  const started = performance.now();
  const encoded: Float32Array[] = [];
  for (const image of images) {
    throwIfAborted(job.signal);
    encoded.push(await encoder.encode(await imageToTensor(image, job.width, job.height), job.width, job.height, job.rng));
  }
  const [first, ...extra] = encoded;
  const mixed = Float32Array.from(first);
  if (extra.length > 0) {
    const w = 0.25 / extra.length;
    for (let i = 0; i < mixed.length; i++) {
      let v = 0.75 * first[i];
      for (const e of extra) v += w * e[i];
      mixed[i] = v;
    }
  }
  const out = new Float32Array(mixed.length * job.batch);
  for (let b = 0; b < job.batch; b++) out.set(mixed, b * mixed.length);
  if (job.timings) job.timings.encodeImage += performance.now() - started;
  return out;
}

export async function imageToImage(job: PipelineJob, images: RawImage[], strength: number): Promise<RawImage[]> {
  const imageLatents = await startingLatents(job, images);
  const { total, start } = img2imgSchedule(job.steps, strength, maxSteps(job));
  job.scheduler.setTimesteps(total);
  const noise = job.rng.randn(imageLatents.length);
  const latents = job.scheduler.addNoise(imageLatents, noise, start);
  const final = await denoise({ ...denoiseParams(job), latents, startIndex: start });
  return decodeLatents(job, final);
}

/** LCM cannot go beyond its original_inference_steps grid; Euler schedulers can use any count up to 1000. */
export function maxSteps(job: PipelineJob): number {
  return job.scheduler.name === 'lcm' ? (job.model.folder.scheduler.original_inference_steps ?? 50) : 1000;
}
