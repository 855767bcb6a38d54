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
import { GPT_IMAGE_1_TOKEN_RULES, imageUsage, type ImageUsage, type TokenRules } from '../metering/usage.ts';
import type { ContentCredentials, Ingredient } from '../provenance/content-credentials.ts';
import { moderateInput, moderateOutputs, moderatePartial, type GateOptions } from '../safety/gate.ts';
import type { Moderator } from '../safety/moderator.ts';
import type { JobQueue } from './job-queue.ts';

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
  tokenRules?: (model: string) => TokenRules;
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

    const moderator = this.deps.moderator;
    const gate: GateOptions = { requestId: ctx.requestId, user: request.user, ...moderator?.policy };
    if (moderator) {
      const inputs = job.inputs.map((i) => i.image);
      await moderateInput(moderator, request.prompt ?? '', inputs, request.moderation, gate);
    }
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
    // Previews use the cheap border matte: a segmentation matte costs seconds, more than the preview is worth.
    const finish = async (raw: RawImage, preview = false): Promise<EncodedImage> => {
      const encoded = await encodeImage(raw, { ...encodeOpts, signal: ctx.signal, ...(preview ? { matting: 'border' as const } : {}) });
      if (!this.deps.credentials) return encoded;
      const signed = await this.deps.credentials.sign({
        image: encoded.data,
        format: encoded.format,
        model: job.model.localId,
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
            // A blocked preview is skipped, never sent; the final image decides the request.
            if (moderator && !(await moderatePartial(moderator, p.image, request.moderation, { ...gate, ...p }))) return;
            const image = await finish(p.image, true);
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
    // Every output is checked before anything is encoded; blocked ones are dropped or fail the request (policy).
    const kept = moderator ? (await moderateOutputs(moderator, raws, request.moderation, gate)).kept : raws.map((_, i) => i);
    const images: EncodedImage[] = [];
    for (const i of kept) images.push(await finish(raws[i]));

    const inputImages = job.inputs.map((i) => ({ width: i.originalWidth, height: i.originalHeight }));
    const base = { prompt, width: size.width, height: size.height, quality, partialImages: 0, inputImages, inputFidelity: request.inputFidelity };
    const rules = this.deps.tokenRules?.(job.model.requested) ?? GPT_IMAGE_1_TOKEN_RULES;
    // Usage counts what is returned: a blocked (dropped) image is neither sent nor billed; its sent previews are.
    const perImageUsage = kept.map((original, i) => {
      const one = imageUsage({ ...base, n: 1, inputImages: i === 0 ? inputImages : [], prompt: i === 0 ? prompt : '' }, rules);
      return addOutputTokens(one, partialsPerImage[original] * rules.partialImageTokens);
    });
    const totalPartials = partialsPerImage.reduce((a, b) => a + b, 0);
    const usage = addOutputTokens(imageUsage({ ...base, n: kept.length }, rules), totalPartials * rules.partialImageTokens);
    return { images, size, quality, background: images[0].background, seed, usage, perImageUsage };
  }
}
