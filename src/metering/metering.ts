/**
 * The metering seam the server calls on the straight path of every image request:
 *
 *   const caller = await metering.authenticate(req.headers.authorization, isLoopbackAddress(req.socket.remoteAddress));
 *   const admission = await metering.admit(caller, { images: n, tokens: usage.total_tokens, model, usage }, idemKey);
 *   if (admission.replay) return reply.code(admission.replay.status).headers(admission.headers).send(admission.replay.body);
 *   ... do the work ...
 *   await metering.complete(admission, { requestId, model, endpoint, n, size, quality, usage, latencyMs, responseBody });
 *   (or, when it failed: await metering.fail(admission, { requestId, model, endpoint, n, status, errorCode, latencyMs }))
 *
 * Errors are ApiErrors in OpenAI's shapes (401 auth, 403 wrong kind of key, 409 idempotency key in use, 429 limits
 * and quota) carrying their headers. Exactly once: a request is billed by one transaction that writes its ledger row
 * together with its idempotent response; a retry with the same Idempotency-Key replays that response instead of
 * running again, and a crash before the commit leaves nothing behind, so the retry simply runs.
 */
import { join } from 'node:path';
import { ApiError, invalidParam } from '../contract/api-error.ts';
import { bearerToken, hashSecret, maskForError, newSecret, type KeyRole } from './api-keys.ts';
import { loadMeteringConfig, ModelCatalog, type ModelMetering, type ModelOverride } from './model-catalog.ts';
import { costOf, nanoToUsd, type CostBreakdown } from './price-table.ts';
import { RateLimiter, type Dimension, type DimensionLimits } from './rate-limiter.ts';
import { SqliteMeteringStore } from './sqlite-store.ts';
import {
  monthOf,
  NO_LIMITS,
  type ImageSource,
  type KeyLimits,
  type KeyRecord,
  type LedgerRow,
  type MeteringStore,
  type StoredResponse,
} from './store.ts';
import type { ImageUsage } from './usage.ts';

export const LEDGER_FILE = 'ledger.sqlite';

/** Who is calling. `keyId` is null when no API keys exist and auth is therefore off. */
export interface Caller {
  keyId: string | null;
  name: string;
  role: KeyRole | 'anonymous';
  projectId: string | null;
  limits: KeyLimits;
}

/** What a request will consume, known before the work starts (after `auto` values are resolved). */
export interface UsageEstimate {
  images: number;
  tokens: number;
  /** With both `model` and `usage`, the monthly budget check includes this request's own cost. */
  model?: string;
  usage?: ImageUsage;
}

export interface Replay {
  requestId: string;
  status: number;
  body: unknown;
}

export interface Admission {
  readonly caller: Caller;
  readonly idempotencyKey: string | null;
  /** Headers for the response: `x-ratelimit-*`, and `idempotent-replayed` on a replay. */
  readonly headers: Record<string, string>;
  /** Present when this Idempotency-Key already completed: send it instead of running the request again. */
  readonly replay?: Replay;
}

export type ImageEndpoint = 'generations' | 'edits' | 'variations';

export interface CompletedRequest {
  requestId: string;
  /** The model name the client asked for: prices follow it, so aliases of gpt-image-1 bill as gpt-image-1. */
  model: string;
  endpoint: ImageEndpoint;
  n: number;
  size: string | null;
  quality: string | null;
  usage: ImageUsage;
  latencyMs: number;
  /** HTTP status sent; 200 by default. */
  status?: number;
  /** The `user` field of the request, if any. */
  user?: string | null;
  /** The JSON body sent to the client, kept for Idempotency-Key replays. */
  responseBody?: unknown;
}

export interface FailedRequest {
  requestId: string;
  model: string;
  endpoint: ImageEndpoint;
  n: number;
  size?: string | null;
  quality?: string | null;
  status: number;
  errorCode?: string | null;
  latencyMs: number;
  user?: string | null;
}

export interface MeteringOptions {
  /** `$ATELIER_HOME`; the ledger lives in `<home>/ledger.sqlite`, price overrides in `<home>/metering.json`. */
  home: string;
  /** Another store (e.g. PostgreSQL) instead of the embedded SQLite file. */
  store?: MeteringStore;
  /** Per-model price/token overrides on top of `<home>/metering.json`. */
  models?: Record<string, ModelOverride>;
  /** Limits for callers when auth is off (no keys). */
  anonymousLimits?: KeyLimits;
  /** Set when the operator forced keyless serving beyond loopback. */
  allowKeylessRemote?: boolean;
  /** Length of a rate-limit window; one minute unless a test shortens it. */
  rateWindowMs?: number;
  /** How long finished responses stay replayable (default 24 h, like Stripe's idempotency window). */
  replayRetentionMs?: number;
  /** Larger response bodies are billed but not kept for replay (default 64 MiB). */
  maxReplayBytes?: number;
  /** A request still running after this long is treated as abandoned by its Idempotency-Key (default 15 min). */
  inflightTimeoutMs?: number;
  now?: () => number;
}

export interface CreatedKey {
  key: KeyRecord;
  /** The secret: shown once, never stored. */
  secret: string;
}

interface Pending {
  scope: string;
  idemKey: string | null;
  fingerprint: string | null;
  reservedNano: number;
  estimatedTokens: number;
  settled: boolean;
}

const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;
const HOUR_MS = 3_600_000;

/** `$ATELIER_HOME`, or ~/.atelier: the same rule as the server's config. */

/** Headers of a replayed response: it says it is a replay and names the original request. */
export function replayHeaders(replay: Replay): Record<string, string> {
  return { 'idempotent-replayed': 'true', 'x-request-id': replay.requestId };
}

function sourceOf(endpoint: ImageEndpoint): ImageSource {
  return endpoint === 'generations' ? 'image.generation' : endpoint === 'edits' ? 'image.edit' : 'image.variation';
}

/** `$0.20`, `$0.17731`: at least cents, at most micro-dollars, no trailing zeros beyond the cents. */
export function formatUsd(nano: number): string {
  return `$${nanoToUsd(nano).toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1')}`;
}

const DIMENSION_TEXT: Record<Dimension, string> = {
  requests: 'requests per min (RPM)',
  images: 'images per min (IPM)',
  tokens: 'tokens per min (TPM)',
};

export class Metering {
  readonly store: MeteringStore;
  readonly catalog: ModelCatalog;
  private readonly limiter: RateLimiter;
  private readonly pending = new WeakMap<Admission, Pending>();
  private readonly inflight = new Map<string, number>();
  private readonly reserved = new Map<string, number>();
  private readonly now: () => number;
  private readonly opts: MeteringOptions;
  private lastPrune = 0;

  constructor(opts: MeteringOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.store = opts.store ?? new SqliteMeteringStore(join(opts.home, LEDGER_FILE));
    this.catalog = new ModelCatalog({ ...loadMeteringConfig(opts.home).models, ...opts.models });
    this.limiter = new RateLimiter(opts.rateWindowMs ?? 60_000, this.now);
  }

  // ---- keys ---------------------------------------------------------------------------------------------------

  async createKey(spec: { name: string; role?: KeyRole; projectId?: string; limits?: Partial<KeyLimits> }): Promise<CreatedKey> {
    const name = spec.name.trim();
    if (!/^[\w .@-]{1,64}$/.test(name)) {
      throw new Error('a key name is 1-64 letters, digits, spaces or . _ @ -');
    }
    const role = spec.role ?? 'user';
    const made = newSecret(role);
    const key: KeyRecord = {
      id: made.id,
      name,
      role,
      projectId: spec.projectId ?? 'proj_default',
      hash: made.hash,
      redacted: made.redacted,
      createdAt: Math.floor(this.now() / 1000),
      revokedAt: null,
      limits: { ...NO_LIMITS, ...spec.limits },
    };
    await this.store.insertKey(key);
    return { key, secret: made.secret };
  }

  async keysExist(): Promise<boolean> {
    return (await this.store.countActiveKeys()) > 0;
  }

  // ---- authentication -----------------------------------------------------------------------------------------

  /** The caller of an image request. Admin keys are for the organization endpoints only. */
  async authenticate(authorization: string | undefined, remoteIsLoopback: boolean): Promise<Caller> {
    const caller = await this.identify(authorization, remoteIsLoopback);
    if (caller.role === 'admin') {
      throw new ApiError({
        status: 403,
        type: 'permission_error',
        message: 'Admin keys can only be used for the /v1/organization endpoints; use a regular API key for images.',
      });
    }
    return caller;
  }

  /** The caller of an organization (usage, costs) request: an admin key, or anyone on loopback while no keys exist. */
  async authenticateAdmin(authorization: string | undefined, remoteIsLoopback: boolean): Promise<Caller> {
    const caller = await this.identify(authorization, remoteIsLoopback);
    if (caller.role === 'user') {
      throw new ApiError({
        status: 403,
        type: 'permission_error',
        message:
          'You have insufficient permissions for this operation. Missing scopes: api.usage.read. ' +
          'This endpoint needs an admin key (`atelier keys create --admin`).',
      });
    }
    return caller;
  }

  private async identify(authorization: string | undefined, remoteIsLoopback: boolean): Promise<Caller> {
    if (!(await this.keysExist())) {
      if (remoteIsLoopback || this.opts.allowKeylessRemote) {
        return {
          keyId: null,
          name: 'anonymous',
          role: 'anonymous',
          projectId: null,
          limits: this.opts.anonymousLimits ?? NO_LIMITS,
        };
      }
      throw new ApiError({
        status: 401,
        message:
          'This server has no API keys yet and only serves clients on its own machine. ' +
          'Create one with `atelier keys create --name <name>` and send it as `Authorization: Bearer <key>`.',
        code: 'invalid_api_key',
      });
    }
    const token = bearerToken(authorization);
    if (token === undefined) {
      throw new ApiError({
        status: 401,
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using " +
          'Bearer auth (i.e. Authorization: Bearer YOUR_KEY).',
      });
    }
    const key = await this.store.findActiveKey(hashSecret(token));
    if (!key) {
      throw new ApiError({
        status: 401,
        message:
          `Incorrect API key provided: ${maskForError(token)}. ` +
          'You can find your API keys with `atelier keys list` on the server.',
        code: 'invalid_api_key',
      });
    }
    return { keyId: key.id, name: key.name, role: key.role, projectId: key.projectId, limits: key.limits };
  }

  // ---- admission ----------------------------------------------------------------------------------------------

  /**
   * Admits a request before any work: replays a completed Idempotency-Key, refuses one still running (409), enforces
   * the monthly budget and the per-minute limits (429). `fingerprint` (e.g. a hash of the request body) makes reusing
   * a key for a different request an error instead of a wrong replay.
   */
  /**
   * The stored response of a completed request with this Idempotency-Key, if any: lets a server answer a retry
   * before parsing uploads or validating. Same errors as `admit` for a reused key or an unkept body.
   */
  async findReplay(caller: Caller, idempotencyKey: string, fingerprint?: string): Promise<Replay | undefined> {
    if (!IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
      throw invalidParam('Idempotency-Key', 'The Idempotency-Key header must be 1-255 printable ASCII characters.');
    }
    const stored = await this.store.findResponse(caller.keyId ?? 'anonymous', idempotencyKey);
    return stored ? this.toReplay(stored, fingerprint) : undefined;
  }

  private toReplay(stored: StoredResponse, fingerprint: string | undefined): Replay {
    if (fingerprint !== undefined && stored.fingerprint !== null && stored.fingerprint !== fingerprint) {
      throw invalidParam(
        'Idempotency-Key',
        'This Idempotency-Key was already used for a different request. Use a new key for a new request.',
        'idempotency_key_reused',
      );
    }
    if (stored.body === null) {
      throw new ApiError({
        status: 409,
        message: `The request with this Idempotency-Key already completed (${stored.requestId}); its response was not kept for replay.`,
        code: 'idempotency_key_completed',
        headers: { 'x-should-retry': 'false' },
      });
    }
    return { requestId: stored.requestId, status: stored.status, body: JSON.parse(stored.body) as unknown };
  }

  async admit(caller: Caller, estimate: UsageEstimate, idempotencyKey?: string, fingerprint?: string): Promise<Admission> {
    const scope = caller.keyId ?? 'anonymous';
    const idemKey = idempotencyKey ?? null;
    const flightId = idemKey === null ? null : `${scope}\0${idemKey}`;
    if (idemKey !== null) {
      if (!IDEMPOTENCY_KEY_PATTERN.test(idemKey)) {
        throw invalidParam('Idempotency-Key', 'The Idempotency-Key header must be 1-255 printable ASCII characters.');
      }
      const since = this.inflight.get(flightId as string);
      if (since !== undefined && this.now() - since < (this.opts.inflightTimeoutMs ?? 15 * 60_000)) {
        throw new ApiError({
          status: 409,
          message: 'A request with this Idempotency-Key is still being processed. Retry once it has finished.',
          code: 'idempotency_key_in_use',
          headers: { 'retry-after': '1' },
        });
      }
      // Claim the key before the first await so a concurrent duplicate sees it.
      this.inflight.set(flightId as string, this.now());
    }
    try {
      if (idemKey !== null) {
        const stored = await this.store.findResponse(scope, idemKey);
        if (stored) {
          this.inflight.delete(flightId as string);
          const replay = this.toReplay(stored, fingerprint);
          return { caller, idempotencyKey: idemKey, headers: replayHeaders(replay), replay };
        }
      }
      const estimateNano = estimate.model && estimate.usage ? this.price(estimate.model, estimate.usage).total : 0;
      // Reserves the estimate in the same tick as the check, so concurrent admissions cannot both squeeze under it.
      await this.reserveBudget(caller, scope, estimateNano);
      const decision = this.limiter.take(scope, this.dimensionLimits(caller.limits), {
        requests: 1,
        images: estimate.images,
        tokens: estimate.tokens,
      });
      if (!decision.ok) {
        this.unreserve(scope, estimateNano);
        const wait = (decision.retryAfterMs / 1000).toFixed(3).replace(/\.?0+$/, '');
        const headers = decision.tooLarge
          ? { ...decision.headers, 'x-should-retry': 'false' }
          : {
              ...decision.headers,
              'retry-after': String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000))),
              'retry-after-ms': String(decision.retryAfterMs),
            };
        throw new ApiError({
          status: 429,
          type: 'rate_limit_error',
          code: 'rate_limit_exceeded',
          headers,
          message: decision.tooLarge
            ? `Request too large for key '${caller.name}' on ${DIMENSION_TEXT[decision.dimension]}: ` +
              `Limit ${decision.limit}, Requested ${decision.requested}. Reduce the request or raise the key's limit.`
            : `Rate limit reached for key '${caller.name}' on ${DIMENSION_TEXT[decision.dimension]}: ` +
              `Limit ${decision.limit}, Used ${decision.used}, Requested ${decision.requested}. Please try again in ${wait}s.`,
        });
      }
      const admission: Admission = { caller, idempotencyKey: idemKey, headers: decision.headers };
      this.pending.set(admission, {
        scope,
        idemKey,
        fingerprint: fingerprint ?? null,
        reservedNano: estimateNano,
        estimatedTokens: estimate.tokens,
        settled: false,
      });
      return admission;
    } catch (err) {
      if (flightId !== null) this.inflight.delete(flightId);
      throw err;
    }
  }

  private async reserveBudget(caller: Caller, scope: string, estimateNano: number): Promise<void> {
    const budget = caller.limits.monthlyBudgetNano;
    const month = monthOf(this.now());
    const stored = budget === null ? 0 : await this.store.monthSpend(scope, month);
    // From here to the reservation there is no await: the check and the reservation are one step.
    const spent = stored + (this.reserved.get(scope) ?? 0);
    if (budget === null || (spent + estimateNano <= budget && spent < budget)) {
      this.reserved.set(scope, (this.reserved.get(scope) ?? 0) + estimateNano);
      return;
    }
    throw new ApiError({
      status: 429,
      type: 'insufficient_quota',
      code: 'insufficient_quota',
      headers: { 'x-should-retry': 'false' },
      message:
        `You exceeded your current quota, please check your plan and billing details. Key '${caller.name}' has a ` +
        `monthly budget of ${formatUsd(budget)} and has used ${formatUsd(spent)} in ${month}` +
        (estimateNano > 0 ? `; this request would cost ${formatUsd(estimateNano)}.` : '.'),
    });
  }

  private dimensionLimits(limits: KeyLimits): DimensionLimits {
    return { requests: limits.requestsPerMinute, images: limits.imagesPerMinute, tokens: limits.tokensPerMinute };
  }

  // ---- settlement ---------------------------------------------------------------------------------------------

  lookup(model: string): ModelMetering {
    return this.catalog.lookup(model);
  }

  price(model: string, usage: ImageUsage): CostBreakdown {
    return costOf(usage, this.catalog.lookup(model).price);
  }

  /**
   * Bills a finished request: its ledger row and (with an Idempotency-Key) its replayable response in one
   * transaction. Settling an admission twice, or a replay, records nothing. Resolves to the cost in USD and whether
   * this call wrote the row.
   */
  async complete(admission: Admission, done: CompletedRequest): Promise<{ costUsd: number; recorded: boolean }> {
    const state = this.settle(admission);
    if (!state) return { costUsd: 0, recorded: false };
    const cost = this.price(done.model, done.usage);
    const createdAt = this.now();
    const row: LedgerRow = {
      ...this.baseRow(admission, done, createdAt),
      size: done.size,
      quality: done.quality,
      textInputTokens: done.usage.input_tokens_details.text_tokens,
      imageInputTokens: done.usage.input_tokens_details.image_tokens,
      imageOutputTokens: done.usage.output_tokens_details.image_tokens,
      textOutputTokens: done.usage.output_tokens_details.text_tokens,
      costTextInputNano: cost.textInput,
      costImageInputNano: cost.imageInput,
      costImageOutputNano: cost.imageOutput,
      costTextOutputNano: cost.textOutput,
      costNano: cost.total,
      status: 'succeeded',
      httpStatus: done.status ?? 200,
      errorCode: null,
    };
    let body: string | null = null;
    if (state.idemKey !== null && done.responseBody !== undefined) {
      const text = JSON.stringify(done.responseBody);
      body = Buffer.byteLength(text) <= (this.opts.maxReplayBytes ?? 64 * 1024 * 1024) ? text : null;
    }
    try {
      const outcome = await this.store.record(
        row,
        state.idemKey === null
          ? undefined
          : {
              scope: state.scope,
              key: state.idemKey,
              requestId: done.requestId,
              fingerprint: state.fingerprint,
              status: row.httpStatus,
              body,
            },
      );
      this.limiter.charge(state.scope, this.dimensionLimits(admission.caller.limits), 'tokens', done.usage.total_tokens - state.estimatedTokens);
      await this.maybePrune();
      return { costUsd: nanoToUsd(cost.total), recorded: outcome === 'recorded' };
    } finally {
      this.release(state);
    }
  }

  /** Records a request that failed after admission: a ledger row with its status, no tokens and no charge. */
  async fail(admission: Admission, failed: FailedRequest): Promise<void> {
    const state = this.settle(admission);
    if (!state) return;
    try {
      await this.store.record({
        ...this.baseRow(admission, failed, this.now()),
        size: failed.size ?? null,
        quality: failed.quality ?? null,
        textInputTokens: 0,
        imageInputTokens: 0,
        imageOutputTokens: 0,
        textOutputTokens: 0,
        costTextInputNano: 0,
        costImageInputNano: 0,
        costImageOutputNano: 0,
        costTextOutputNano: 0,
        costNano: 0,
        status: 'failed',
        httpStatus: failed.status,
        errorCode: failed.errorCode ?? null,
      });
    } finally {
      this.release(state);
    }
  }

  private baseRow(admission: Admission, r: CompletedRequest | FailedRequest, createdAt: number) {
    return {
      requestId: r.requestId,
      createdAt,
      keyId: admission.caller.keyId,
      projectId: admission.caller.projectId,
      endUser: r.user ?? null,
      model: r.model,
      source: sourceOf(r.endpoint),
      n: r.n,
      latencyMs: Math.max(0, Math.round(r.latencyMs)),
      idempotencyKey: admission.idempotencyKey,
    };
  }

  private settle(admission: Admission): Pending | undefined {
    const state = this.pending.get(admission);
    if (!state || state.settled) return undefined;
    state.settled = true;
    return state;
  }

  private release(state: Pending): void {
    if (state.idemKey !== null) this.inflight.delete(`${state.scope}\0${state.idemKey}`);
    this.unreserve(state.scope, state.reservedNano);
  }

  private unreserve(scope: string, nano: number): void {
    const left = (this.reserved.get(scope) ?? 0) - nano;
    if (left > 0) this.reserved.set(scope, left);
    else this.reserved.delete(scope);
  }

  private async maybePrune(): Promise<void> {
    const t = this.now();
    if (t - this.lastPrune < HOUR_MS) return;
    this.lastPrune = t;
    await this.store.pruneResponses(t - (this.opts.replayRetentionMs ?? 24 * HOUR_MS));
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

export function createMetering(opts: MeteringOptions): Metering {
  return new Metering(opts);
}
