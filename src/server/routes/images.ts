/**
 * POST /v1/images/generations, /v1/images/edits (multipart and JSON) and /v1/images/variations. Each route only
 * parses its body shape and validates; the shared `serveJob` runs the pipeline and answers with JSON or SSE.
 */
import { randomInt } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../../contract/api-error.ts';
import { arrayTooLong, invalidType, missingParameter } from '../../contract/errors.ts';
import type { ImageRequest, UploadedImage } from '../../contract/image-request.ts';
import { resolveQuality, resolveSize } from '../../contract/size.ts';
import { validateImageParams } from '../../contract/validate.ts';
import { resolveModel } from '../../engines/registry.ts';
import type { RequestSummary } from '../deps.ts';
import { decodeInputs, imageRefToUpload, MAX_EDIT_IMAGES } from '../inputs.ts';
import { readForm } from '../multipart.ts';
import { buildImagesResponse, completedEvent, partialEvent } from '../respond.ts';
import { errorEventData, startEventStream, writeEvent } from '../sse.ts';
import type { ServerContext } from '../server-context.ts';

const EDIT_FILE_FIELDS = ['image', 'image[]', 'mask'] as const;
const VARIATION_FILE_FIELDS = ['image'] as const;

function jsonObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ApiError({ status: 400, message: 'Invalid body: expected a JSON object.', param: null, code: 'invalid_body' });
  }
  return body as Record<string, unknown>;
}

function isMultipart(request: FastifyRequest): boolean {
  return (request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/');
}

export function imageRoutes(ctx: ServerContext): FastifyPluginAsync {
  const validateOpts = { defaultModel: ctx.config.defaults.model };

  return async (app) => {
    app.post('/v1/images/generations', { bodyLimit: 1024 * 1024 }, async (request, reply) => {
      const params = validateImageParams('generation-json', jsonObject(request.body), validateOpts);
      return serveJob(ctx, request, reply, params, [], undefined);
    });

    app.post(
      '/v1/images/edits',
      { bodyLimit: Math.ceil(ctx.config.limits.maxTotalUploadBytes * 1.4) + 1024 * 1024 },
      async (request, reply) => {
        if (isMultipart(request)) {
          const form = await readForm(request, EDIT_FILE_FIELDS, ctx.config.limits);
          const params = validateImageParams('edit-form', form.fields, validateOpts);
          return serveJob(ctx, request, reply, params, form.images, form.mask);
        }
        const body = jsonObject(request.body);
        const params = validateImageParams('edit-json', body, validateOpts);
        const { images, mask } = jsonEditImages(body);
        return serveJob(ctx, request, reply, params, images, mask);
      },
    );

    app.post('/v1/images/variations', async (request, reply) => {
      const form = await readForm(request, VARIATION_FILE_FIELDS, ctx.config.limits);
      const params = validateImageParams('variation-form', form.fields, validateOpts);
      return serveJob(ctx, request, reply, params, form.images, undefined);
    });
  };
}

function jsonEditImages(body: Record<string, unknown>): { images: UploadedImage[]; mask?: UploadedImage } {
  const refs = body.images;
  if (refs === undefined || refs === null) throw missingParameter('images');
  if (!Array.isArray(refs)) throw invalidType('images', 'an array', refs);
  if (refs.length === 0) {
    throw new ApiError({ status: 400, message: "Invalid 'images': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: 'images', code: 'empty_array' });
  }
  if (refs.length > MAX_EDIT_IMAGES) throw arrayTooLong('images', MAX_EDIT_IMAGES, refs.length);
  const images = refs.map((ref, i) => imageRefToUpload(ref, `images[${i}]`));
  const mask = body.mask === undefined || body.mask === null ? undefined : imageRefToUpload(body.mask, 'mask');
  if (mask) mask.param = 'mask';
  return { images, mask };
}

async function serveJob(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  params: ImageRequest,
  uploads: UploadedImage[],
  maskUpload: UploadedImage | undefined,
): Promise<unknown> {
  const summary: RequestSummary = {
    requestId: request.id,
    endpoint: params.endpoint,
    model: params.model,
    n: params.n,
    size: params.size,
    quality: params.quality,
    stream: params.stream,
    user: params.user,
  };
  const state = request.atelier;
  if (state) state.summary = summary;

  const model = await resolveModel(params.model, ctx.config.aliases, ctx.engines);
  summary.localModel = model.localId;
  if (params.endpoint !== 'generation' && uploads.length === 0) throw missingParameter('image');
  const decoded = params.endpoint === 'generation'
    ? { inputs: [] }
    : await decodeInputs(params, uploads, maskUpload, ctx.config.limits);

  // Admission sees the resolved size and quality (what the work will cost); the pipeline resolves them the same way.
  const first = decoded.inputs[0];
  summary.size = resolveSize(params, first && { width: first.originalWidth, height: first.originalHeight }).label;
  summary.quality = resolveQuality(params.quality, ctx.config.defaults.quality);
  // Drawn here (not in the pipeline) so streamed answers can carry it in their headers too.
  if (params.seed === undefined) params.seed = randomInt(0, 2 ** 31 - 1);
  reply.header('x-atelier-seed', String(params.seed));
  const release = await ctx.hooks.admit?.(summary, request);
  const controller = new AbortController();
  const onClose = (): void => {
    if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
  };
  reply.raw.on('close', onClose);
  try {
    return params.stream
      ? await streamJob(ctx, request, reply, params, { model, ...decoded }, controller.signal)
      : await answerJob(ctx, request, reply, params, { model, ...decoded }, controller.signal);
  } finally {
    if (typeof release === 'function') release();
  }
}

type JobParts = Omit<Parameters<ServerContext['pipeline']['run']>[0], 'request'>;

async function answerJob(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  params: ImageRequest,
  parts: JobParts,
  signal: AbortSignal,
): Promise<unknown> {
  try {
    const outcome = await ctx.pipeline.run({ request: params, ...parts }, { requestId: request.id, signal });
    if (request.atelier) {
      request.atelier.usage = params.family === 'gpt-image' ? outcome.usage : undefined;
    }
    return buildImagesResponse(params, outcome, ctx.store, ctx.baseUrl(request));
  } catch (err) {
    if (signal.aborted) return abandon(request, reply);
    throw err;
  }
}

/** The client left: nothing can be sent, the work was cancelled through the signal. */
function abandon(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (request.atelier) request.atelier.error = 'client_disconnected';
  reply.hijack();
  reply.raw.destroy();
  return reply;
}

/**
 * SSE answer. The stream starts with the first event, so anything that fails before (model not installed, input
 * moderation, ...) is still an ordinary JSON error with its HTTP status. With n > 1 the images are generated
 * together: partial events arrive as the engine makes them, then one completed event per image in order; each
 * completed event carries that image's share of the usage (input tokens on the first), so they sum to the total.
 */
async function streamJob(
  ctx: ServerContext,
  request: FastifyRequest,
  reply: FastifyReply,
  params: ImageRequest,
  parts: JobParts,
  signal: AbortSignal,
): Promise<unknown> {
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    reply.hijack();
    startEventStream(reply.raw, { 'x-request-id': request.id, 'x-atelier-seed': String(params.seed) });
  };
  try {
    const outcome = await ctx.pipeline.run(
      { request: params, ...parts },
      {
        requestId: request.id,
        signal,
        onPartial: async (p) => {
          start();
          const event = partialEvent(params, p.image, p.partialIndex);
          await writeEvent(reply.raw, event.type, event);
        },
      },
    );
    if (request.atelier) request.atelier.usage = outcome.usage;
    start();
    for (const [i, image] of outcome.images.entries()) {
      const event = completedEvent(params, image, outcome.perImageUsage[i]);
      await writeEvent(reply.raw, event.type, event);
    }
    reply.raw.end();
    return reply;
  } catch (err) {
    if (signal.aborted) return abandon(request, reply);
    if (!started) throw err;
    if (request.atelier) request.atelier.error = err instanceof ApiError ? (err.code ?? err.type) : 'server_error';
    if (!(err instanceof ApiError)) request.log.error(err);
    await writeEvent(reply.raw, 'error', errorEventData(err));
    reply.raw.end();
    return reply;
  }
}
