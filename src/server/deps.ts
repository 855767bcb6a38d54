/**
 * What the app is built from. Everything with side effects is injected, so tests pass doubles and the lead wires the
 * real moderator, credentials and metering hooks. Only `engines` and `config` are required.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { AtelierConfig } from '../config/config.ts';
import type { Endpoint } from '../contract/models.ts';
import type { EngineProvider } from '../engines/engine.ts';
import type { ImageUsage, TokenRules } from '../metering/usage.ts';
import type { ContentCredentials } from '../provenance/content-credentials.ts';
import type { Moderator } from '../safety/moderator.ts';

/** What is known about an image request once it has been validated: handed to admission and recording. */
export interface RequestSummary {
  requestId: string;
  endpoint: Endpoint;
  /** The model name the client used. */
  model: string;
  /** The local model that served it (after alias resolution). */
  localModel?: string;
  n: number;
  /** The resolved size "WxH" (after `auto`). */
  size: string;
  /** The resolved quality the engine runs at: low, medium or high. */
  quality: string;
  stream: boolean;
  user?: string;
}

export interface RequestRecord extends Partial<RequestSummary> {
  requestId: string;
  method: string;
  path: string;
  /**
   * HTTP status sent; a stream that failed after it started reports 200 with `error` set; a client that left before
   * any answer reports 499 with error `client_disconnected`.
   */
  status: number;
  /** The error code sent to the client, if any (also for mid-stream failures). */
  error?: string;
  usage?: ImageUsage;
  latencyMs: number;
}

/**
 * Seams for metering and auth (issue 6). All optional; each may throw an ApiError (e.g. 401, 429) which is sent to
 * the client in OpenAI's envelope.
 */
export interface RequestHooks {
  /** Runs first on every /v1 request except image file downloads: authentication. */
  onRequest?(request: FastifyRequest): Promise<void>;
  /** Runs after validation, before any engine work: quotas and rate limits. The returned function runs when the request ends. */
  admit?(summary: RequestSummary, request: FastifyRequest): Promise<(() => void) | void>;
  /** Runs once per /v1/images request after the response ended (sent, failed or client gone). Must not throw. */
  record?(record: RequestRecord, request: FastifyRequest): void | Promise<void>;
}

export interface AppDeps {
  engines: EngineProvider;
  config: AtelierConfig;
  moderator?: Moderator;
  credentials?: ContentCredentials;
  hooks?: RequestHooks;
  /** Per-model token rules for `usage` (metering.json); default: gpt-image-1's rules for every model. */
  tokenRules?: (model: string) => TokenRules;
  /** Extra route plugins registered on the same app (verify, organization usage, ...). */
  extraRoutes?: FastifyPluginAsync[];
  /** Log requests with fastify's logger (off in tests). */
  logger?: boolean;
}
