/** What the route plugins share: built once by createApp from AppDeps. */
import type { FastifyRequest } from 'fastify';
import type { AtelierConfig } from '../config/config.ts';
import type { EngineProvider } from '../engines/engine.ts';
import type { RequestHooks } from './deps.ts';
import type { ImagePipeline } from './image-pipeline.ts';
import type { ImageStore } from './image-store.ts';
import type { JobQueue } from './job-queue.ts';

export interface ServerContext {
  config: AtelierConfig;
  engines: EngineProvider;
  pipeline: ImagePipeline;
  queue: JobQueue;
  store: ImageStore;
  hooks: RequestHooks;
  /** Base of absolute URLs handed to clients (DALL·E `url` responses). */
  baseUrl(request: FastifyRequest): string;
  startedAt: number;
}
