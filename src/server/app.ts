/**
 * createApp(deps): the OpenAI-compatible Images API as a fastify instance, not yet listening. Every response carries
 * `x-request-id`; every error is OpenAI's envelope; metering/auth plug in through `deps.hooks`, extra routes through
 * `deps.extraRoutes`.
 */
import { randomBytes } from 'node:crypto';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { invalidUrl } from '../contract/errors.ts';
import type { AppDeps, RequestRecord } from './deps.ts';
import { toApiError } from './errors.ts';
import { ImagePipeline } from './image-pipeline.ts';
import { ImageStore } from './image-store.ts';
import { JobQueue } from './job-queue.ts';
import { multipartLimits } from './multipart.ts';
import './request-state.ts';
import { healthRoutes } from './routes/health.ts';
import { IMAGE_FILES_PREFIX, imageFileRoutes } from './routes/image-files.ts';
import { imageRoutes } from './routes/images.ts';
import { modelRoutes } from './routes/models.ts';
import type { ServerContext } from './server-context.ts';

function isApiPath(url: string): boolean {
  return url.startsWith('/v1/') && !url.startsWith(IMAGE_FILES_PREFIX);
}

export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const hooks = deps.hooks ?? {};
  const queue = new JobQueue(config.limits.maxConcurrentJobs, config.limits.maxQueuedJobs);
  const ctx: ServerContext = {
    config,
    engines: deps.engines,
    queue,
    pipeline: new ImagePipeline({ engines: deps.engines, config, queue, moderator: deps.moderator, credentials: deps.credentials, tokenRules: deps.tokenRules }),
    store: new ImageStore(config.limits.urlTtlSeconds * 1000, config.limits.maxStoredImageBytes),
    hooks,
    baseUrl: (request) => config.publicUrl ?? `${request.protocol}://${request.host}`,
    startedAt: Math.floor(Date.now() / 1000),
  };

  const app = Fastify({
    logger: deps.logger ?? false,
    // Our ids, never the client's: they appear in moderation messages and the ledger.
    genReqId: () => `req_${randomBytes(16).toString('hex')}`,
    bodyLimit: 1024 * 1024,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    // A client gets 5 minutes to send its whole request (uploads included): slow-drip connections do not pile up.
    requestTimeout: 300_000,
  });

  await app.register(multipart, { limits: multipartLimits(config.limits), throwFileSizeLimit: true });

  app.addHook('onRequest', async (request, reply) => {
    request.atelier = { startedAt: performance.now() };
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/v1/images/') && !request.url.startsWith(IMAGE_FILES_PREFIX) && hooks.record) {
      reply.raw.once('close', () => void record(request, reply));
    }
    if (isApiPath(request.url) && hooks.onRequest) await hooks.onRequest(request);
  });

  app.addHook('onSend', async (request, reply) => {
    const started = request.atelier?.startedAt;
    if (started !== undefined) reply.header('openai-processing-ms', String(Math.round(performance.now() - started)));
  });

  app.setErrorHandler((err, request, reply) => {
    const { error, unexpected } = toApiError(err);
    if (unexpected) request.log.error(err);
    if (request.atelier) request.atelier.error = error.code ?? error.type;
    reply.status(error.status).headers(error.headers).send(error.toBody());
  });

  app.setNotFoundHandler((request, reply) => {
    const error = invalidUrl(request.method, request.url.split('?')[0]);
    reply.status(error.status).send(error.toBody());
  });

  async function record(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const state = request.atelier;
    // The socket closed before the answer was complete: the client left (its work is being cancelled).
    const gone = !reply.raw.writableFinished;
    const rec: RequestRecord = {
      ...state?.summary,
      requestId: request.id,
      method: request.method,
      path: request.url.split('?')[0],
      status: gone && !reply.raw.headersSent ? 499 : reply.raw.statusCode,
      error: state?.error ?? (gone ? 'client_disconnected' : undefined),
      usage: state?.usage,
      latencyMs: state ? Math.round(performance.now() - state.startedAt) : 0,
    };
    try {
      await hooks.record?.(rec, request);
    } catch (err) {
      request.log.error(err, 'record hook failed');
    }
  }

  await app.register(healthRoutes(ctx));
  await app.register(modelRoutes(ctx));
  await app.register(imageRoutes(ctx));
  await app.register(imageFileRoutes(ctx));
  for (const plugin of deps.extraRoutes ?? []) await app.register(plugin);
  return app;
}
