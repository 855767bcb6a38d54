/**
 * Metering plugged into the server's `RequestHooks` seam (src/server/deps.ts), so wiring is two lines:
 *
 *   const metering = createMetering({ home });
 *   createApp({ ..., hooks: meteringHooks(metering),
 *                    extraRoutes: [async (app) => organizationUsageRoutes(app, { metering })] });
 *
 * onRequest authenticates (the organization routes authenticate admin keys themselves), admit enforces limits and
 * budget before any engine work, record writes the ledger row. Limits of this seam, until the server offers more:
 * the record hook runs after the response has gone out, so a crash in between loses that row, and the hooks cannot
 * send a stored response, so a completed Idempotency-Key is answered with 409 instead of a replay (never re-run or
 * billed twice). `Metering.complete` before sending, with `responseBody`, closes both gaps (see docs/metering.md).
 */
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../contract/api-error.ts';
import type { RequestHooks, RequestRecord, RequestSummary } from '../server/deps.ts';
import { isLoopbackAddress } from './binding.ts';
import type { Admission, Caller, ImageEndpoint, Metering } from './metering.ts';
import { GPT_IMAGE_1_TOKEN_RULES, textTokens, type ImageUsage, type UsageQuality } from './usage.ts';

interface Tracked {
  caller?: Caller;
  admission?: Admission;
}

const ENDPOINTS: Record<string, ImageEndpoint> = { generation: 'generations', edit: 'edits', variation: 'variations' };
const QUALITIES: readonly string[] = ['low', 'medium', 'high'];

/** Output tokens before the work: exact for a resolved size and quality, the dearest case for `auto`. */
function estimateOutputTokens(size: string, quality: string): number {
  const table = GPT_IMAGE_1_TOKEN_RULES.outputTokens;
  const qualities = (QUALITIES.includes(quality) ? [quality] : QUALITIES) as UsageQuality[];
  const rows = table[size] ? [table[size]] : Object.values(table);
  return Math.max(...rows.flatMap((row) => qualities.map((q) => row[q])));
}

function promptOf(request: FastifyRequest): string {
  const body = request.body as { prompt?: unknown } | undefined;
  return typeof body?.prompt === 'string' ? body.prompt : '';
}

const ZERO_USAGE: ImageUsage = {
  input_tokens: 0,
  input_tokens_details: { text_tokens: 0, image_tokens: 0 },
  output_tokens: 0,
  output_tokens_details: { image_tokens: 0, text_tokens: 0 },
  total_tokens: 0,
};

export function meteringHooks(metering: Metering): RequestHooks {
  const tracked = new WeakMap<FastifyRequest, Tracked>();
  const callerOf = async (request: FastifyRequest): Promise<Caller> => {
    const known = tracked.get(request)?.caller;
    if (known) return known;
    const caller = await metering.authenticate(request.headers.authorization, isLoopbackAddress(request.socket.remoteAddress));
    tracked.set(request, { caller });
    return caller;
  };

  return {
    async onRequest(request) {
      if (request.url.startsWith('/v1/organization/')) return;
      await callerOf(request);
    },

    async admit(summary: RequestSummary, request) {
      const caller = await callerOf(request);
      const text = textTokens(promptOf(request));
      const output = summary.n * estimateOutputTokens(summary.size, summary.quality);
      const usage: ImageUsage = {
        input_tokens: text,
        input_tokens_details: { text_tokens: text, image_tokens: 0 },
        output_tokens: output,
        output_tokens_details: { image_tokens: output, text_tokens: 0 },
        total_tokens: text + output,
      };
      const idem = request.headers['idempotency-key'];
      const admission = await metering.admit(
        caller,
        { images: summary.n, tokens: usage.total_tokens, model: summary.model, usage },
        typeof idem === 'string' ? idem : undefined,
      );
      if (admission.replay) {
        throw new ApiError({
          status: 409,
          message: `The request with this Idempotency-Key already completed (${admission.replay.requestId}).`,
          code: 'idempotency_key_completed',
          headers: { 'x-should-retry': 'false' },
        });
      }
      tracked.set(request, { caller, admission });
      return undefined;
    },

    async record(rec: RequestRecord, request) {
      const admission = tracked.get(request)?.admission;
      if (!admission) return;
      const base = {
        requestId: rec.requestId,
        model: rec.model ?? 'unknown',
        endpoint: ENDPOINTS[rec.endpoint ?? 'generation'] ?? 'generations',
        n: rec.n ?? 1,
        size: rec.size ?? null,
        quality: rec.quality ?? null,
        latencyMs: rec.latencyMs,
        user: rec.user ?? null,
      };
      if (rec.status < 400 && rec.error === undefined) {
        await metering.complete(admission, { ...base, usage: rec.usage ?? ZERO_USAGE, status: rec.status });
      } else {
        await metering.fail(admission, { ...base, status: rec.status, errorCode: rec.error ?? null });
      }
    },
  };
}
