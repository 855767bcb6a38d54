/** Text-to-image: Gaussian latents at the scheduler's initial noise level, then the full UNet loop. */
import type { RawImage } from '../../imaging/raw-image.ts';
import { denoise } from './denoise.ts';
import { decodeLatents, denoiseParams, type PipelineJob } from './job.ts';

export async function textToImage(job: PipelineJob): Promise<RawImage[]> {
  const { scheduler } = job;
  scheduler.setTimesteps(job.steps);
  const count = job.batch * job.model.folder.latentChannels * job.latentHeight * job.latentWidth;
  // One randn call for the whole batch, like diffusers' prepare_latents with a single generator.
  const latents = job.rng.randn(count);
  const sigma = scheduler.initNoiseSigma;
  for (let i = 0; i < count; i++) latents[i] *= sigma;
  const final = await denoise({ ...denoiseParams(job), latents, startIndex: 0 });
  return decodeLatents(job, final);
}
