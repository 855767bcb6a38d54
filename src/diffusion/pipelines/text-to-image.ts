/** Text-to-image: Gaussian latents at the scheduler's initial noise level, then the full UNet loop. */
import type { RawImage } from '../../imaging/raw-image.ts';
import { denoise } from './denoise.ts';
import { decodeLatents, previewHandler, type PipelineJob } from './job.ts';

export async function textToImage(job: PipelineJob): Promise<RawImage[]> {
  const { scheduler } = job;
  scheduler.setTimesteps(job.steps);
  const count = job.batch * job.model.folder.latentChannels * job.latentHeight * job.latentWidth;
  // One randn call for the whole batch, like diffusers' prepare_latents with a single generator.
  const latents = job.rng.randn(count);
  const sigma = scheduler.initNoiseSigma;
  for (let i = 0; i < count; i++) latents[i] *= sigma;
  const final = await denoise({
    model: job.model,
    scheduler,
    latents,
    batch: job.batch,
    latentHeight: job.latentHeight,
    latentWidth: job.latentWidth,
    startIndex: 0,
    cond: job.cond,
    pixelHeight: job.height,
    pixelWidth: job.width,
    rng: job.rng,
    previewAfter: job.previewAfter,
    onPreview: previewHandler(job),
    onProgress: job.onProgress,
    signal: job.signal,
    onStepTime: job.timings ? (ms) => job.timings?.unetSteps.push(ms) : undefined,
  });
  return decodeLatents(job, final);
}
