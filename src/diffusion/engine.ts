/**
 * DiffusionEngine: the Engine the server calls for a local Stable Diffusion-family model. It turns one
 * EngineRequest into task pipelines: resolves the native size in the requested aspect ratio, the step count for the
 * quality level, the prompt conditioning, the seeded generator, batches of n, previews and cancellation.
 */
import { invalidParam } from '../contract/api-error.ts';
import type { Engine, EngineInfo, EngineRequest, EngineResult, EngineTask } from '../engines/engine.ts';
import type { RawImage } from '../imaging/raw-image.ts';
import { releaseModel, type LoadedModel } from './loaded-model.ts';
import { MAX_UNET_BATCH, usesCfg, throwIfAborted, type Conditioning } from './pipelines/denoise.ts';
import { imageToImage } from './pipelines/image-to-image.ts';
import { inpaint } from './pipelines/inpaint.ts';
import type { PipelineJob, StageTimings } from './pipelines/job.ts';
import { textToImage } from './pipelines/text-to-image.ts';
import { createScheduler } from './schedulers/index.ts';
import { TorchGenerator } from './torch-random.ts';

/** How far an unmasked edit departs from the input (1 = ignore it); variations stay closer to their source. */
export const EDIT_STRENGTH = 0.7;
export const VARIATION_STRENGTH = 0.6;
/** Hard limits, independent of what the contract layer allows. */
export const MAX_IMAGES_PER_REQUEST = 10;
export const MAX_INPUT_IMAGES = 16;

export interface GenerationTimings extends StageTimings {
  promptEncode: number;
  total: number;
}

/** Width/height at the model's native resolution with the requested aspect ratio, in multiples of `multiple`. */
export function nativeDimensions(width: number, height: number, nativeSize: number, multiple: number): { width: number; height: number } {
  const scale = nativeSize / Math.max(width, height);
  const fit = (v: number) => Math.max(multiple, Math.round((v * scale) / multiple) * multiple);
  return { width: fit(width), height: fit(height) };
}

/** Steps after which to show a preview: up to `count`, evenly spread, never the last one (that is the result). */
export function previewSteps(steps: number, count: number): number[] {
  const out = new Set<number>();
  for (let k = 1; k <= count; k++) out.add(Math.max(0, Math.ceil((k * steps) / (count + 1)) - 1));
  return [...out].sort((a, b) => a - b);
}

/** The largest centred region of `image` with the given width/height ratio. */
export function cropToAspect(image: RawImage, aspect: number): RawImage {
  let w = image.width;
  let h = Math.round(w / aspect);
  if (h > image.height) {
    h = image.height;
    w = Math.round(h * aspect);
  }
  if (w === image.width && h === image.height) return image;
  const x0 = (image.width - w) >> 1;
  const y0 = (image.height - h) >> 1;
  const c = image.channels;
  const data = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    const from = ((y0 + y) * image.width + x0) * c;
    data.set(image.data.subarray(from, from + w * c), y * w * c);
  }
  return { width: w, height: h, channels: c, data };
}

/** generate() on an engine whose sessions were freed; the provider's handle reloads and retries. */
export class EngineDisposedError extends Error {}

export class DiffusionEngine implements Engine {
  readonly info: EngineInfo;
  private inFlight = new Set<Promise<unknown>>();
  private disposed = false;

  constructor(private readonly model: LoadedModel, id = model.folder.id) {
    // A dedicated inpainting UNet only inpaints; other models inpaint by latent blending when they can encode images.
    const tasks: EngineTask[] = model.inpaintingUnet
      ? ['inpaint']
      : model.encoder ? ['text-to-image', 'image-to-image', 'inpaint', 'variation'] : ['text-to-image'];
    const fixedBatch = model.unet.inputDim('sample', 0);
    const cfg = usesCfg(model, model.folder.defaults.guidanceScale);
    this.info = {
      id,
      tasks,
      nativeSize: model.folder.defaults.nativeSize,
      maxBatch: fixedBatch ?? (cfg ? MAX_UNET_BATCH / 2 : MAX_UNET_BATCH),
    };
  }

  generate(request: EngineRequest, timings?: GenerationTimings): Promise<EngineResult> {
    if (this.disposed) return Promise.reject(new EngineDisposedError(`engine ${this.info.id} was disposed`));
    const run = this.run(request, timings);
    this.inFlight.add(run);
    const forget = () => this.inFlight.delete(run);
    run.then(forget, forget);
    return run;
  }

  /** Waits for running generations, then frees every session. */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.allSettled([...this.inFlight]);
    await releaseModel(this.model);
  }

  private validate(req: EngineRequest): void {
    if (!Number.isInteger(req.n) || req.n < 1 || req.n > MAX_IMAGES_PER_REQUEST) {
      throw invalidParam('n', `n must be an integer from 1 to ${MAX_IMAGES_PER_REQUEST}`);
    }
    if (!this.info.tasks.includes(req.task)) {
      const why = this.model.inpaintingUnet ? 'it is an inpainting model: send an edit with a mask' : 'it has no VAE encoder';
      throw invalidParam('model', `The model '${this.info.id}' cannot do ${req.task} (${why})`, 'unsupported_task');
    }
    if (req.images.length > MAX_INPUT_IMAGES) throw invalidParam('image', `At most ${MAX_INPUT_IMAGES} input images are allowed`);
    if (req.task !== 'text-to-image' && req.images.length === 0) throw invalidParam('image', `${req.task} needs an input image`);
    if (req.task === 'inpaint') {
      const mask = req.mask;
      if (!mask) throw invalidParam('mask', 'Inpainting needs a mask');
      if (mask.channels !== 4) throw invalidParam('mask', 'The mask must have an alpha channel (transparent = area to edit)');
      if (mask.width !== req.images[0].width || mask.height !== req.images[0].height) {
        throw invalidParam('mask', 'The mask must have the same dimensions as the first image');
      }
    }
    if (!(req.width > 0 && req.height > 0)) throw invalidParam('size', 'width and height must be positive');
  }

  private async run(req: EngineRequest, timings?: GenerationTimings): Promise<EngineResult> {
    this.validate(req);
    const started = performance.now();
    const folder = this.model.folder;
    const multiple = folder.vaeScaleFactor * folder.latentMultiple;
    // Graphs exported with fixed latent sides (some web/fp16 exports) render at that size; the result is then
    // centre-cropped to the requested aspect ratio.
    const fixedH = this.model.unet.inputDim('sample', 2);
    const fixedW = this.model.unet.inputDim('sample', 3);
    const fixed = fixedH !== undefined && fixedW !== undefined;
    const { width, height } = fixed
      ? { width: fixedW * folder.vaeScaleFactor, height: fixedH * folder.vaeScaleFactor }
      : nativeDimensions(req.width, req.height, folder.defaults.nativeSize, multiple);
    const finish = (img: RawImage) => (fixed ? cropToAspect(img, req.width / req.height) : img);
    const steps = folder.defaults.quality[req.quality].steps;
    const prompt = req.task === 'variation' ? '' : req.prompt;
    throwIfAborted(req.signal);
    const encodeStarted = performance.now();
    const cond = await this.conditioning(prompt);
    if (timings) timings.promptEncode += performance.now() - encodeStarted;
    const rng = new TorchGenerator(req.seed);
    const images: RawImage[] = [];
    const previews = previewSteps(steps, req.partialImages);
    for (let offset = 0; offset < req.n; offset += this.info.maxBatch) {
      const batch = Math.min(this.info.maxBatch, req.n - offset);
      const job: PipelineJob = {
        model: this.model,
        scheduler: createScheduler(folder.scheduler),
        cond,
        batch,
        width,
        height,
        latentWidth: width / folder.vaeScaleFactor,
        latentHeight: height / folder.vaeScaleFactor,
        steps,
        rng,
        previewAfter: previews,
        onPreview: req.onPartial
          ? async (b, partialIndex, image) => {
              await req.onPartial?.({ imageIndex: offset + b, partialIndex, image: finish(image) });
            }
          : undefined,
        onProgress: req.onProgress,
        signal: req.signal,
        timings,
      };
      images.push(...(await this.runTask(req, job)).map(finish));
    }
    if (timings) timings.total += performance.now() - started;
    return { images };
  }

  private runTask(req: EngineRequest, job: PipelineJob): Promise<RawImage[]> {
    switch (req.task) {
      case 'text-to-image':
        return textToImage(job);
      case 'image-to-image':
        return imageToImage(job, req.images, EDIT_STRENGTH);
      case 'variation':
        return imageToImage(job, req.images.slice(0, 1), VARIATION_STRENGTH);
      case 'inpaint':
        return inpaint(job, req.images, req.mask as RawImage);
    }
  }

  private async conditioning(prompt: string): Promise<Conditioning> {
    const encoder = this.model.prompt;
    const guidanceScale = this.model.folder.defaults.guidanceScale;
    const positive = await encoder.encode(prompt);
    const windows = positive.seq / 77;
    let negative = positive;
    if (usesCfg(this.model, guidanceScale)) {
      negative = encoder.forceZerosForEmptyNegative ? encoder.zeros(positive) : await encoder.encode('', windows);
    }
    return { positive, negative, guidanceScale };
  }
}
