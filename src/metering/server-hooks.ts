/**
 * Metering plugged into the server (src/server/app.ts) without changing it: the `RequestHooks` seam for auth,
 * admission and the after-response record, plus a fastify plugin (registered through `extraRoutes`) whose app-wide
 * hooks close what the seam cannot reach:
 *
 *   const metering = createMetering({ home });
 *   const { hooks, plugin } = attachMetering(metering);
 *   createApp({ ..., hooks, extraRoutes: [plugin] });
 *
 * - preHandler: a retry whose Idempotency-Key already completed gets the stored response (`idempotent-replayed:
 *   true`) before any upload is parsed or engine runs.
 * - admit hook: limits, budget and in-flight Idempotency-Key (409) before engine work; rate-limit headers on the reply.
 * - onSend: a JSON answer is billed (ledger row + replayable body, one transaction) BEFORE it leaves, so a crash
 *   can never leave a delivered response unbilled.
 * - record hook: everything else (failures, streams, disconnects) once the response has ended. Streams are billed
 *   after they end, and are not replayable.
 * - `/v1/organization/usage/images` and `/v1/organization/costs` for admin keys.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../contract/api-error.ts';
import type { RequestHooks, RequestRecord, RequestSummary } from '../server/deps.ts';
import type { RequestState } from '../server/request-state.ts';
import organizationUsageRoutes from '../server/routes/organization-usage.ts';
import { isLoopbackAddress } from './binding.ts';
import { replayHeaders, type Admission, type Caller, type ImageEndpoint, type Metering } from './metering.ts';
import { GPT_IMAGE_1_TOKEN_RULES, textTokens, type ImageUsage, type UsageQuality } from './usage.ts';

interface Tracked {
  caller?: Caller;
  reply?: FastifyReply;
  admission?: Admission;
}

const ENDPOINTS: Record<string, ImageEndpoint> = { generation: 'generations', edit: 'edits', variation: 'variations' };
const QUALITIES: readonly string[] = ['low', 'medium', 'high'];

const ZERO_USAGE: ImageUsage = {
  input_tokens: 0,
  input_tokens_details: { text_tokens: 0, image_tokens: 0 },
  output_tokens: 0,
  output_tokens_details: { image_tokens: 0, text_tokens: 0 },
  total_tokens: 0,
};

/** Output tokens before the work: exact for a resolved size and quality, the dearest case for `auto`. */
export function estimateOutputTokens(size: string, quality: string): number {
  const table = GPT_IMAGE_1_TOKEN_RULES.outputTokens;
  const qualities = (QUALITIES.includes(quality) ? [quality] : QUALITIES) as UsageQuality[];
  const rows = table[size] ? [table[size]] : Object.values(table);
  return Math.max(...rows.flatMap((row) => qualities.map((q) => row[q])));
}

function jsonBody(request: FastifyRequest): Record<string, unknown> | undefined {
  const body = request.body;
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
}

/** Same JSON request, same fingerprint; multipart uploads have none (they are not read before the handler). */
function fingerprintOf(request: FastifyRequest): string | undefined {
  const body = jsonBody(request);
  return body ? createHash('sha256').update(JSON.stringify(body)).digest('hex') : undefined;
}

function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const value = request.headers['idempotency-key'];
  return typeof value === 'string' ? value : undefined;
}

function isImageRequest(request: FastifyRequest): boolean {
  return request.method === 'POST' && /^\/v1\/images\/(generations|edits|variations)(\?|$)/.test(request.url);
}

function stateOf(request: FastifyRequest): RequestState | undefined {
  return request.atelier;
}

export interface AttachedMetering {
  hooks: RequestHooks;
  plugin: FastifyPluginAsync;
}

export function attachMetering(metering: Metering): AttachedMetering {
  const tracked = new WeakMap<FastifyRequest, Tracked>();
  const track = (request: FastifyRequest): Tracked => {
    let t = tracked.get(request);
    if (!t) {
      t = {};
      tracked.set(request, t);
    }
    return t;
  };
  const callerOf = async (request: FastifyRequest): Promise<Caller> => {
    const t = track(request);
    t.caller ??= await metering.authenticate(request.headers.authorization, isLoopbackAddress(request.socket.remoteAddress));
    return t.caller;
  };
  const rowOf = (request: FastifyRequest, latencyMs: number, rec?: Partial<RequestRecord>) => {
    const summary: Partial<RequestSummary> = rec ?? stateOf(request)?.summary ?? {};
    return {
      requestId: request.id,
      model: summary.model ?? 'unknown',
      endpoint: ENDPOINTS[summary.endpoint ?? 'generation'] ?? 'generations',
      n: summary.n ?? 1,
      size: summary.size ?? null,
      quality: summary.quality ?? null,
      latencyMs,
      user: summary.user ?? null,
    };
  };

  const hooks: RequestHooks = {
    async onRequest(request) {
      if (request.url.startsWith('/v1/organization/')) return;
      await callerOf(request);
    },

    async admit(summary, request) {
      const caller = await callerOf(request);
      const text = textTokens(typeof jsonBody(request)?.prompt === 'string' ? (jsonBody(request)?.prompt as string) : '');
      const output = summary.n * estimateOutputTokens(summary.size, summary.quality);
      const usage: ImageUsage = {
        ...ZERO_USAGE,
        input_tokens: text,
        input_tokens_details: { text_tokens: text, image_tokens: 0 },
        output_tokens: output,
        output_tokens_details: { image_tokens: output, text_tokens: 0 },
        total_tokens: text + output,
      };
      const admission = await metering.admit(
        caller,
        { images: summary.n, tokens: usage.total_tokens, model: summary.model, usage },
        idempotencyKeyOf(request),
        fingerprintOf(request),
      );
      if (admission.replay) {
        // The preHandler normally answers these; a key that completed in between gets a clear conflict.
        throw new ApiError({
          status: 409,
          message: `The request with this Idempotency-Key already completed (${admission.replay.requestId}); retry to get its response.`,
          code: 'idempotency_key_in_use',
          headers: { 'retry-after': '0' },
        });
      }
      const t = track(request);
      t.admission = admission;
      t.reply?.headers(admission.headers);
      return undefined;
    },

    async record(rec, request) {
      const admission = tracked.get(request)?.admission;
      if (!admission) return;
      const row = rowOf(request, rec.latencyMs, rec);
      if (rec.status < 400 && rec.error === undefined) {
        await metering.complete(admission, { ...row, usage: rec.usage ?? ZERO_USAGE, status: rec.status });
      } else {
        await metering.fail(admission, { ...row, status: rec.status, errorCode: rec.error ?? null });
      }
    },
  };

  async function meteringPlugin(app: FastifyInstance): Promise<void> {
    app.addHook('onRequest', async (request, reply) => {
      if (isImageRequest(request)) track(request).reply = reply;
    });

    app.addHook('preHandler', async (request, reply) => {
      const key = idempotencyKeyOf(request);
      if (key === undefined || !isImageRequest(request)) return;
      const replay = await metering.findReplay(await callerOf(request), key, fingerprintOf(request));
      if (replay) return reply.code(replay.status).headers(replayHeaders(replay)).send(replay.body);
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const admission = tracked.get(request)?.admission;
      if (!admission || reply.statusCode >= 400 || typeof payload !== 'string') return payload;
      const state = stateOf(request);
      let body: unknown;
      try {
        body = JSON.parse(payload);
      } catch {
        return payload;
      }
      const latencyMs = state ? performance.now() - state.startedAt : 0;
      await metering.complete(admission, {
        ...rowOf(request, latencyMs),
        usage: state?.usage ?? ZERO_USAGE,
        status: reply.statusCode,
        responseBody: body,
      });
      return payload;
    });

    await app.register(async (child) => organizationUsageRoutes(child, { metering }));
  }
  // Hooks apply to the whole app (routes registered before too), not only inside this plugin.
  (meteringPlugin as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

  return { hooks, plugin: meteringPlugin };
}

/** The hooks alone, for servers that register the usage routes and replay handling some other way. */
export function meteringHooks(metering: Metering): RequestHooks {
  return attachMetering(metering).hooks;
}
