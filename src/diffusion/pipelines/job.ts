/**
 * What every task pipeline receives: the loaded model, the resolved sizes and step count, the conditioning, the
 * seeded generator, previews and cancellation. The engine builds it; pipelines only compose parts.
 */
import type { RawImage } from '../../imaging/raw-image.ts';
import type { LoadedModel } from '../loaded-model.ts';
import type { Scheduler } from '../schedulers/scheduler.ts';
import type { TorchGenerator } from '../torch-random.ts';
import type { Conditioning, DenoiseParams } from './denoise.ts';

export interface PipelineJob {
  model: LoadedModel;
  scheduler: Scheduler;
  cond: Conditioning;
  /** Images in this batch. */
  batch: number;
  /** Output size in pixels (multiples of the VAE factor), and the latent grid it maps to. */
  width: number;
  height: number;
  latentWidth: number;
  latentHeight: number;
  /** UNet evaluations the caller asked for (the quality level's step count). */
  steps: number;
  rng: TorchGenerator;
  /** Steps (0-based, among those actually run) after which a preview is decoded. */
  previewAfter: number[];
  onPreview?: (batchIndex: number, previewIndex: number, image: RawImage) => Promise<void>;
  onProgress?: (progress: { step: number; totalSteps: number }) => void;
  signal: AbortSignal;
  timings?: StageTimings;
}

/** Milliseconds per stage, filled in when the benchmark asks for it. */
export interface StageTimings {
  unetSteps: number[];
  decode: number;
  encodeImage: number;
  previews: number;
}

export function latentShape(job: PipelineJob) {
  return { channels: job.model.folder.latentChannels, height: job.latentHeight, width: job.latentWidth };
}

/** Decodes x0 predictions for every image in the batch and hands them to the job's preview callback. */
export function previewHandler(job: PipelineJob): ((x0: Float32Array, previewIndex: number) => Promise<void>) | undefined {
  const onPreview = job.onPreview;
  if (!onPreview) return undefined;
  return async (x0, previewIndex) => {
    const started = performance.now();
    const images = await job.model.previewDecoder.decode(x0, job.batch, latentShape(job));
    if (job.timings) job.timings.previews += performance.now() - started;
    for (let b = 0; b < images.length; b++) await onPreview(b, previewIndex, images[b]);
  };
}

export async function decodeLatents(job: PipelineJob, latents: Float32Array): Promise<RawImage[]> {
  const started = performance.now();
  const images = await job.model.decoder.decode(latents, job.batch, latentShape(job));
  if (job.timings) job.timings.decode += performance.now() - started;
  return images;
}

/** The UNet loop's parameters every task shares; each pipeline adds its starting latents and start index. */
export function denoiseParams(job: PipelineJob): Omit<DenoiseParams, 'latents' | 'startIndex'> {
  return {
    model: job.model,
    scheduler: job.scheduler,
    batch: job.batch,
    latentHeight: job.latentHeight,
    latentWidth: job.latentWidth,
    cond: job.cond,
    pixelHeight: job.height,
    pixelWidth: job.width,
    rng: job.rng,
    previewAfter: job.previewAfter,
    onPreview: previewHandler(job),
    onProgress: job.onProgress,
    signal: job.signal,
    onStepTime: job.timings ? (ms) => job.timings?.unetSteps.push(ms) : undefined,
  };
}
