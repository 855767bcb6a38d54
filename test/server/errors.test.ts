// Errors as the SDK's typed errors with the right `param`, models/health endpoints, and the optional stages:
// moderation (input and output, partials included), content credentials on every image, metering hooks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APIError, BadRequestError, NotFoundError, RateLimitError, AuthenticationError } from 'openai';
import { ApiError } from '../../src/contract/api-error.ts';
import type { RequestRecord } from '../../src/server/deps.ts';
import type { Moderator, ModerationVerdict } from '../../src/safety/moderator.ts';
import type { ContentCredentials, SignRequest } from '../../src/provenance/content-credentials.ts';
import { noModelsProvider } from '../../src/engines/default-provider.ts';
import { assertSchema } from '../helpers/openapi.ts';
import { startTestServer } from '../helpers/server.ts';

type Call = () => Promise<unknown>;

async function expectError(call: Call, cls: new (...args: never[]) => APIError, param: string | null, code?: string): Promise<APIError> {
  let caught: unknown;
  try {
    await call();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof cls, `expected ${cls.name}, got ${String(caught)}`);
  const err = caught as APIError;
  assert.equal(err.param, param, err.message);
  if (code !== undefined) assert.equal(err.code, code, err.message);
  assert.ok(err.requestID, 'x-request-id on errors');
  assertSchema('Error', err.error, { allowExtraFields: ['moderation_details'] });
  return err;
}

describe('errors through the SDK', () => {
  it('names the param for every kind of bad value, in OpenAI wording', async () => {
    const s = await startTestServer();
    const gen = (p: Record<string, unknown>): Call => () => s.client.images.generate({ model: 'gpt-image-1', prompt: 'x', ...p } as never);
    try {
      let e = await expectError(gen({ size: '512x512' }), BadRequestError, 'size', 'invalid_value');
      assert.equal(e.message, "400 Invalid value: '512x512'. Supported values are: '1024x1024', '1536x1024', '1024x1536', and 'auto'.");
      e = await expectError(gen({ size: 1024 }), BadRequestError, 'size', 'invalid_type');
      assert.match(e.message, /Invalid type for 'size': expected one of .* but got an integer instead\./);
      e = await expectError(gen({ n: 11 }), BadRequestError, 'n', 'integer_above_max_value');
      assert.match(e.message, /Invalid 'n': integer above maximum value\. Expected a value <= 10, but got 11 instead\./);
      await expectError(gen({ n: 0 }), BadRequestError, 'n', 'integer_below_min_value');
      await expectError(gen({ n: 1.5 }), BadRequestError, 'n', 'invalid_type');
      await expectError(gen({ quality: 'ultra' }), BadRequestError, 'quality', 'invalid_value');
      await expectError(gen({ background: 'transparent', output_format: 'jpeg' }), BadRequestError, 'background');
      await expectError(gen({ output_compression: 101 }), BadRequestError, 'output_compression');
      await expectError(gen({ partial_images: 4 }), BadRequestError, 'partial_images');
      await expectError(gen({ moderation: 'high' }), BadRequestError, 'moderation');
      await expectError(gen({ stream: 'yes' }), BadRequestError, 'stream', 'invalid_type');
      await expectError(gen({ prompt: '' }), BadRequestError, 'prompt', 'string_below_min_length');
      await expectError(gen({ prompt: 'x'.repeat(32001) }), BadRequestError, 'prompt', 'string_above_max_length');
      await expectError(gen({ response_format: 'url' }), BadRequestError, 'response_format', 'unknown_parameter');
      e = await expectError(gen({ foo: 1 }), BadRequestError, 'foo', 'unknown_parameter');
      assert.equal(e.message, "400 Unknown parameter: 'foo'.");
      await expectError(gen({ seed: -1 }), BadRequestError, 'seed');
      await expectError(gen({ model: 'no-such-model' }), BadRequestError, 'model', 'invalid_value');
      await expectError(gen({ input_fidelity: 'high' }), BadRequestError, 'input_fidelity', 'unknown_parameter');
      await expectError(() => s.client.images.generate({ prompt: 'x'.repeat(1001) }), BadRequestError, 'prompt');
      await expectError(() => s.client.images.generate({ model: 'dall-e-3', prompt: 'x', n: 2 }), BadRequestError, 'n');
      await expectError(() => s.client.images.generate({ model: 'dall-e-3', prompt: 'x', quality: 'high' }), BadRequestError, 'quality');
      await expectError(() => s.client.images.generate({ model: 'dall-e-2', prompt: 'x', background: 'opaque' }), BadRequestError, 'background', 'unsupported_parameter');
      await expectError(() => s.client.images.generate({ model: 'dall-e-2', prompt: 'x', style: 'vivid' }), BadRequestError, 'style');
      await expectError(() => s.client.images.generate({} as never), BadRequestError, 'prompt', 'missing_required_parameter');
      await expectError(() => s.client.models.retrieve('nope'), NotFoundError, 'model', 'model_not_found');
    } finally {
      await s.close();
    }
  });

  it('bad JSON, unknown routes and wrong content types get the envelope', async () => {
    const s = await startTestServer();
    try {
      const bad = await fetch(`${s.url}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt": ' });
      assert.equal(bad.status, 400);
      const body = await bad.json();
      assertSchema('ErrorResponse', body);
      assert.match(body.error.message, /^We could not parse the JSON body of your request\./);
      const missing = await fetch(`${s.url}/v1/images/nothing`, { method: 'POST' });
      assert.equal(missing.status, 404);
      assert.equal((await missing.json()).error.message, 'Invalid URL (POST /v1/images/nothing)');
      const text = await fetch(`${s.url}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
      assert.equal(text.status, 400);
      assertSchema('ErrorResponse', await text.json());
      const xml = await fetch(`${s.url}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<a/>' });
      assert.equal(xml.status, 415);
      assertSchema('ErrorResponse', await xml.json());
    } finally {
      await s.close();
    }
  });

  it('without an installed model, requests name the model and the command that gets it', async () => {
    const s = await startTestServer({ engines: noModelsProvider(), config: (c) => (c.aliases['gpt-image-1'] = 'atelier-shapes') });
    try {
      const e = await expectError(() => s.client.images.generate({ model: 'gpt-image-1', prompt: 'x' }), NotFoundError, 'model', 'model_not_found');
      assert.match(e.message, /'atelier-shapes'.*atelier pull atelier-shapes/);
    } finally {
      await s.close();
    }
  });

  it('lists models and health', async () => {
    const s = await startTestServer();
    try {
      const list = await s.client.models.list();
      const ids = list.data.map((m) => m.id);
      for (const id of ['gpt-image-1', 'gpt-image-1-mini', 'gpt-image-1.5', 'dall-e-2', 'dall-e-3', 'test-model']) assert.ok(ids.includes(id), id);
      const raw = await (await fetch(`${s.url}/v1/models`)).json();
      assertSchema('ListModelsResponse', raw);
      for (const m of raw.data) assertSchema('Model', m);
      const one = await s.client.models.retrieve('gpt-image-1');
      assert.equal(one.created, 1745517030);
      const health = await (await fetch(`${s.url}/health`)).json();
      assert.equal(health.status, 'ok');
    } finally {
      await s.close();
    }
  });
});

class FlagWord implements Moderator {
  readonly imageStages: string[] = [];
  constructor(private readonly word: string, private readonly flagOutputAfter = Infinity) {}
  async checkText(text: string): Promise<ModerationVerdict> {
    return text.includes(this.word) ? { flagged: true, categories: ['violence'] } : { flagged: false, categories: [] };
  }
  async checkImage(_image: unknown, _level: unknown, stage: 'input' | 'output'): Promise<ModerationVerdict> {
    this.imageStages.push(stage);
    const outputs = this.imageStages.filter((s) => s === 'output').length;
    return stage === 'output' && outputs > this.flagOutputAfter ? { flagged: true, categories: ['sexual'] } : { flagged: false, categories: [] };
  }
}

describe('pipeline stages', () => {
  it('input moderation blocks with moderation_blocked and moderation_details', async () => {
    const moderator = new FlagWord('forbidden');
    const s = await startTestServer({ moderator });
    try {
      const e = await expectError(() => s.client.images.generate({ model: 'gpt-image-1', prompt: 'a forbidden thing' }), BadRequestError, null, 'moderation_blocked');
      assert.equal(e.type, 'image_generation_user_error');
      assert.match(e.message, /rejected by the safety system.*request ID req_[0-9a-f]{32}\. safety_violations=\[violence\]\./);
      assert.deepEqual((e.error as Record<string, unknown>).moderation_details, { moderation_stage: 'input', categories: ['violence'] });
      assert.equal(s.engine.requests.length, 0, 'the engine never ran');
    } finally {
      await s.close();
    }
  });

  it('checks every partial and output image; a flagged preview is skipped, a flagged final image is an error event', async () => {
    const moderator = new FlagWord('never', 2);
    const s = await startTestServer({ moderator });
    try {
      const stream = await s.client.images.generate({ model: 'gpt-image-1', prompt: 'x', stream: true, partial_images: 3 });
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const ev of stream) seen.push(ev.type);
        })(),
        (err: unknown) => err instanceof APIError && err.code === 'moderation_blocked',
      );
      assert.equal(seen.length, 2, 'two partials passed, the third was blocked and skipped');
      assert.deepEqual(moderator.imageStages, ['output', 'output', 'output', 'output'], 'three previews and the final image');
    } finally {
      await s.close();
    }
  });

  it('signs every encoded image, partials included, with model, action and ingredients', async () => {
    const calls: SignRequest[] = [];
    const credentials: ContentCredentials = {
      async sign(req) {
        calls.push(req);
        return Buffer.concat([req.image, Buffer.from('SIGNED')]);
      },
    };
    const s = await startTestServer({ credentials });
    try {
      const stream = await s.client.images.generate({ model: 'gpt-image-1', prompt: 'x', stream: true, partial_images: 2, output_format: 'png' });
      const events = [];
      for await (const ev of stream) events.push(ev);
      assert.equal(calls.length, 3);
      for (const ev of events) assert.ok(Buffer.from(ev.b64_json, 'base64').subarray(-6).equals(Buffer.from('SIGNED')));
      assert.deepEqual([calls[0].action, calls[0].model, calls[0].format, calls[0].ingredients.length], ['created', 'test-model', 'png', 0], 'the manifest names the local model that made it');
    } finally {
      await s.close();
    }
  });

  it('hooks: auth on request, admission before work, a record after the response', async () => {
    const records: RequestRecord[] = [];
    const admitted: string[] = [];
    const s = await startTestServer({
      hooks: {
        async onRequest(request) {
          if (request.headers.authorization !== 'Bearer sk-test') {
            throw new ApiError({ status: 401, type: 'authentication_error', message: 'Incorrect API key provided.', code: 'invalid_api_key' });
          }
        },
        async admit(summary) {
          admitted.push(`${summary.size} ${summary.quality}`);
          if (summary.n > 5) throw new ApiError({ status: 429, type: 'rate_limit_error', message: 'Rate limit reached for images per minute.', code: 'rate_limit_exceeded' });
        },
        record(rec) {
          records.push(rec);
        },
      },
    });
    try {
      await s.client.images.generate({ model: 'gpt-image-1', prompt: 'x', n: 2, quality: 'low' });
      await expectError(() => s.client.images.generate({ model: 'gpt-image-1', prompt: 'x', n: 6 }), RateLimitError, null, 'rate_limit_exceeded');
      const other = new (s.client.constructor as new (o: object) => typeof s.client)({ apiKey: 'wrong', baseURL: `${s.url}/v1`, maxRetries: 0 });
      await expectError(() => other.images.generate({ model: 'gpt-image-1', prompt: 'x' }), AuthenticationError, null, 'invalid_api_key');
      await new Promise((r) => setTimeout(r, 50));
      const ok = records.find((r) => r.status === 200);
      assert.ok(ok);
      assert.equal(ok.model, 'gpt-image-1');
      assert.equal(ok.localModel, 'test-model');
      assert.equal(ok.n, 2);
      assert.equal(ok.size, '1024x1024');
      assert.equal(ok.usage?.output_tokens, 2 * 272);
      assert.ok(records.some((r) => r.status === 429 && r.error === 'rate_limit_exceeded'));
      assert.ok(records.some((r) => r.status === 401));
      assert.deepEqual(admitted, ['1024x1024 low', '1024x1024 medium'], 'admission sees resolved size and quality');
    } finally {
      await s.close();
    }
  });
});
