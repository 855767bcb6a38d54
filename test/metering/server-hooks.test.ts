// Metering wired into the real server through its hooks seam, driven by the official SDK.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { createMetering, type Metering } from '../../src/metering/metering.ts';
import { attachMetering } from '../../src/metering/server-hooks.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tempHome } from './helpers.ts';

describe('metering through the server hooks', () => {
  let server: TestServer;
  let metering: Metering;
  let client: OpenAI;
  let limited: OpenAI;
  let adminKey: string;
  before(async () => {
    metering = createMetering({ home: tempHome() });
    const user = await metering.createKey({ name: 'sdk' });
    const slow = await metering.createKey({ name: 'slow', limits: { requestsPerMinute: 1 } });
    adminKey = (await metering.createKey({ name: 'ops', role: 'admin' })).secret;
    const { hooks, plugin } = attachMetering(metering);
    server = await startTestServer({ hooks, extraRoutes: [plugin] });
    client = new OpenAI({ apiKey: user.secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
    limited = new OpenAI({ apiKey: slow.secret, baseURL: `${server.url}/v1`, maxRetries: 0 });
  });
  after(async () => {
    await server.close();
    await metering.close();
  });

  it('bills a generation with the usage the response reports', async () => {
    const res = await client.images.generate({ model: 'gpt-image-1', prompt: 'a red fox', size: '1024x1024', quality: 'low', n: 2 });
    assert.ok(res.usage);
    // No waiting: a JSON answer is billed before it is sent.
    const rows = await metering.store.rows(0, Number.MAX_SAFE_INTEGER, 100);
    const row = rows.find((r) => r.n === 2);
    assert.ok(row, JSON.stringify(rows));
    assert.equal(row.status, 'succeeded');
    assert.equal(row.imageOutputTokens, res.usage.output_tokens);
    assert.equal(row.textInputTokens, res.usage.input_tokens_details.text_tokens);
    assert.equal(row.costNano, row.imageOutputTokens * 40_000 + row.textInputTokens * 5000);
  });

  it('replays a completed Idempotency-Key instead of running or billing it again', async () => {
    const params = { model: 'gpt-image-1', prompt: 'a blue whale', size: '1024x1024', quality: 'low', n: 1 } as const;
    const opts = { headers: { 'Idempotency-Key': 'whale-1' } };
    const first = await client.images.generate(params, opts).withResponse();
    const generated = server.engine.requests.length;
    const second = await client.images.generate(params, opts).withResponse();
    assert.equal(server.engine.requests.length, generated, 'the engine did not run again');
    assert.equal(second.response.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.response.headers.get('x-request-id'), first.response.headers.get('x-request-id'));
    assert.deepEqual(second.data, first.data);
    assert.equal(first.response.headers.get('x-ratelimit-limit-requests'), null, 'no limits on this key, no headers');
    const rows = await metering.store.rows(0, Number.MAX_SAFE_INTEGER, 100);
    assert.equal(rows.filter((r) => r.idempotencyKey === 'whale-1').length, 1);
    await assert.rejects(
      client.images.generate({ ...params, prompt: 'a grey whale' }, opts),
      (e: unknown) => e instanceof OpenAI.BadRequestError && /different request/.test(e.message),
    );
  });

  it('refuses wrong keys with 401 and an exhausted key with 429', async () => {
    const wrong = new OpenAI({ apiKey: 'sk-atelier-nope-nope-nope-nope', baseURL: `${server.url}/v1`, maxRetries: 0 });
    await assert.rejects(wrong.images.generate({ model: 'gpt-image-1', prompt: 'x' }), (e: unknown) => e instanceof OpenAI.AuthenticationError);
    const ok = await limited.images.generate({ model: 'gpt-image-1', prompt: 'x', quality: 'low' }).withResponse();
    assert.equal(ok.response.headers.get('x-ratelimit-limit-requests'), '1');
    assert.equal(ok.response.headers.get('x-ratelimit-remaining-requests'), '0');
    await assert.rejects(limited.images.generate({ model: 'gpt-image-1', prompt: 'x', quality: 'low' }), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.headers?.get('retry-after'), '60');
      return true;
    });
  });

  it('serves the usage API to the admin key', async () => {
    const start = Math.floor(Date.now() / 1000) - 3600;
    const res = await fetch(`${server.url}/v1/organization/usage/images?start_time=${start}&bucket_width=1h&limit=2`, {
      headers: { authorization: `Bearer ${adminKey}` },
    });
    assert.equal(res.status, 200, await res.clone().text());
    const page = (await res.json()) as { data: Array<{ results: Array<{ images: number }> }> };
    assert.equal(page.data.flatMap((b) => b.results).reduce((s, r) => s + r.images, 0), 4);
  });
});
