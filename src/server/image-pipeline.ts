/**
 * The straight path of one image request after validation (DESIGN.md): input moderation -> queue -> engine ->
 * output moderation (every image and partial preview) -> imaging (size, background, format) -> content credentials
 * -> usage. Every optional stage is called here and nowhere else; routes and the CLI only call `run`.
 */
import { randomInt } from 'node:crypto';
import type { AtelierConfig } from '../config/config.ts';
import { ApiError } from '../contract/api-error.ts';
import type { ImageRequest } from '../contract/image-request.ts';
import { resolveQuality, resolveSize, type ResolvedQuality, type ResolvedSize } from '../contract/size.ts';
import type { EngineProvider, EngineTask, PartialImage } from '../engines/engine.ts';
import { loadEngine, pickTask, type ResolvedModel } from '../engines/registry.ts';
import type { DecodedInput } from '../imaging/decode.ts';
import { encodeImage, type EncodedImage } from '../imaging/encode.ts';
import type { RawImage } from '../imaging/raw-image.ts';
import { imageUsage, PARTIAL_IMAGE_TOKENS, type ImageUsage } from '../metering/usage.ts';
import type { ContentCredentials, Ingredient } from '../provenance/content-credentials.ts';
import type { Moderator } from '../safety/moderator.ts';
import type { JobQueue } from './job-queue.ts';
import { throwIfFlagged } from './moderation.ts';

export interface PreparedJob {
  request: ImageRequest;
  model: ResolvedModel;
  /** Decoded input images in request order (edits and variations). */
  inputs: DecodedInput[];
  mask?: DecodedInput;
}

export interface EncodedPartial {
  imageIndex: number;
  partialIndex: number;
  image: EncodedImage;
}

export interface RunContext {
  requestId: string;
  signal: AbortSignal;
  /** Called with each encoded, moderated, signed preview, in the order the engine produced them. */
  onPartial?: (partial: EncodedPartial) => Promise<void>;
  onProgress?: (progress: { step: number; totalSteps: number }) => void;
}

export interface JobOutcome {
  images: EncodedImage[];
  size: ResolvedSize;
  quality: ResolvedQuality;
  /** The background actually produced (that of the first image). */
  background: 'transparent' | 'opaque';
  seed: number;
  usage: ImageUsage;
  /**
   * The same usage split per output image: input tokens on the first image, each image's own output tokens and
   * partial previews on it. Summing them gives `usage`.
   */
  perImageUsage: ImageUsage[];
}

export interface PipelineDeps {
  engines: EngineProvider;
  config: AtelierConfig;
  queue: JobQueue;
  moderator?: Moderator;
  credentials?: ContentCredentials;
}

const TASK_OF: Record<ImageRequest['endpoint'], EngineTask> = {
  generation: 'text-to-image',
  edit: 'image-to-image',
  variation: 'variation',
};

function addOutputTokens(usage: ImageUsage, tokens: number): ImageUsage {
  return {
    ...usage,
    output_tokens: usage.output_tokens + tokens,
    output_tokens_details: {
      ...usage.output_tokens_details,
      image_tokens: usage.output_tokens_details.image_tokens + tokens,
    },
    total_tokens: usage.total_tokens + tokens,
  };
}

export class ImagePipeline {
  constructor(private readonly deps: PipelineDeps) {}

  async run(job: PreparedJob, ctx: RunContext): Promise<JobOutcome> {
    const { request } = job;
    const first = job.inputs[0];
    const size = resolveSize(request, first && { width: first.originalWidth, height: first.originalHeight });
    const quality = resolveQuality(request.quality, this.deps.config.defaults.quality);
    const seed = request.seed ?? randomInt(0, 2 ** 31 - 1);

    await this.moderateInput(job, ctx.requestId);
    const engine = await loadEngine(this.deps.engines, job.model);
    let wanted = TASK_OF[request.endpoint];
    if (request.endpoint === 'edit' && job.mask) wanted = 'inpaint';
    const task = pickTask(engine, wanted, job.model);
    const prompt = request.endpoint === 'variation' ? '' : request.prompt;

    const encodeOpts = {
      width: size.width,
      height: size.height,
      format: request.outputFormat,
      compression: request.outputCompression,
      background: request.background,
    };
    const ingredients: Ingredient[] = job.inputs.map((input) => ({
      data: input.upload.data,
      format: input.format,
      title: input.upload.filename || input.upload.param,
    }));
    const finish = async (raw: RawImage): Promise<EncodedImage> => {
      if (this.deps.moderator) {
        throwIfFlagged(await this.deps.moderator.checkImage(raw, request.moderation, 'output'), 'output', ctx.requestId);
      }
      const encoded = await encodeImage(raw, encodeOpts);
      if (!this.deps.credentials) return encoded;
      const signed = await this.deps.credentials.sign({
        image: encoded.data,
        format: encoded.format,
        model: job.model.requested,
        action: request.endpoint === 'generation' ? 'created' : 'edited',
        ingredients,
      });
      return { ...encoded, data: signed };
    };

    const partialsPerImage = new Array<number>(request.n).fill(0);
    // Previews are encoded one after another so they reach the client in the order the engine made them.
    let partialChain: Promise<void> = Promise.resolve();
    const onPartial = ctx.onPartial && request.partialImages > 0
      ? (p: PartialImage): Promise<void> => {
          partialChain = partialChain.then(async () => {
            if (ctx.signal.aborted || p.partialIndex >= request.partialImages) return;
            const image = await finish(p.image);
            partialsPerImage[p.imageIndex] = (partialsPerImage[p.imageIndex] ?? 0) + 1;
            await ctx.onPartial?.({ imageIndex: p.imageIndex, partialIndex: p.partialIndex, image });
          });
          return partialChain;
        }
      : undefined;

    const release = await this.deps.queue.acquire(ctx.signal);
    let raws: RawImage[];
    try {
      const result = await engine.generate({
        task,
        prompt,
        images: job.inputs.map((i) => i.image),
        mask: job.mask?.image,
        width: size.width,
        height: size.height,
        n: request.n,
        quality,
        seed,
        partialImages: onPartial ? request.partialImages : 0,
        onPartial,
        onProgress: ctx.onProgress,
        signal: ctx.signal,
      });
      await partialChain;
      raws = result.images;
    } catch (err) {
      ctx.signal.throwIfAborted();
      if (err instanceof ApiError) throw err;
      throw new ApiError({
        status: 500,
        message: `The engine '${engine.info.id}' failed: ${(err as Error).message}`,
        code: 'engine_error',
      });
    } finally {
      release();
    }
    ctx.signal.throwIfAborted();
    if (raws.length !== request.n) {
      throw new ApiError({
        status: 500,
        message: `The engine '${engine.info.id}' returned ${raws.length} images for n=${request.n}.`,
        code: 'engine_error',
      });
    }
    const images: EncodedImage[] = [];
    for (const raw of raws) images.push(await finish(raw));

    const inputImages = job.inputs.map((i) => ({ width: i.originalWidth, height: i.originalHeight }));
    const base = { prompt, width: size.width, height: size.height, quality, partialImages: 0, inputImages, inputFidelity: request.inputFidelity };
    const perImageUsage = images.map((_, i) => {
      const one = imageUsage({ ...base, n: 1, inputImages: i === 0 ? inputImages : [], prompt: i === 0 ? prompt : '' });
      return addOutputTokens(one, partialsPerImage[i] * PARTIAL_IMAGE_TOKENS);
    });
    const totalPartials = partialsPerImage.reduce((a, b) => a + b, 0);
    const usage = addOutputTokens(imageUsage({ ...base, n: request.n }), totalPartials * PARTIAL_IMAGE_TOKENS);
    return { images, size, quality, background: images[0].background, seed, usage, perImageUsage };
  }

  private async moderateInput(job: PreparedJob, requestId: string): Promise<void> {
    const moderator = this.deps.moderator;
    if (!moderator) return;
    const level = job.request.moderation;
    if (job.request.prompt) throwIfFlagged(await moderator.checkText(job.request.prompt, level), 'input', requestId);
    for (const input of job.inputs) {
      throwIfFlagged(await moderator.checkImage(input.image, level, 'input'), 'input', requestId);
    }
  }
}
