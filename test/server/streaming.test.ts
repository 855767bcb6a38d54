// Streaming through the SDK's stream iterator: partial_images 0..3 for generations and edits, n > 1, a failure
// mid-stream as `event: error`, and a client disconnect cancelling the engine. Events validated against the schema.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { APIError, toFile } from 'openai';
import { pngImage } from '../helpers/images.ts';
import { assertSchema } from '../helpers/openapi.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { TestEngine } from '../helpers/test-engine.ts';
import type { RequestRecord } from '../../src/server/deps.ts';

describe('streaming', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  for (const partials of [0, 1, 2, 3]) {
    it(`generation with partial_images=${partials}`, async () => {
      const stream = await server.client.images.generate({
        model: 'gpt-image-1', prompt: 'a cat', stream: true, partial_images: partials, size: '1024x1024', quality: 'low', output_format: 'png',
      });
      const events = [];
      for await (const event of stream) events.push(event);
      assert.equal(events.length, partials + 1);
      events.slice(0, partials).forEach((e, i) => {
        assert.equal(e.type, 'image_generation.partial_image');
        assertSchema('ImageGenPartialImageEvent', e);
        if (e.type === 'image_generation.partial_image') assert.equal(e.partial_image_index, i);
      });
      const done = events[partials];
      assert.equal(done.type, 'image_generation.completed');
      assertSchema('ImageGenCompletedEvent', done);
      if (done.type === 'image_generation.completed') {
        assert.equal(done.usage.output_tokens, 272 + 100 * partials);
        assert.equal(done.size, '1024x1024');
      }
    });
  }

  it('edit streams use image_edit.* events and echo requested auto settings', async () => {
    const stream = await server.client.images.edit({
      model: 'gpt-image-1', prompt: 'x', image: await toFile(await pngImage(32, 32), 'a.png', { type: 'image/png' }), stream: true, partial_images: 2,
    });
    const events = [];
    for await (const event of stream) events.push(event);
    assert.deepEqual(events.map((e) => e.type), ['image_edit.partial_image', 'image_edit.partial_image', 'image_edit.completed']);
    assertSchema('ImageEditPartialImageEvent', events[0]);
    assertSchema('ImageEditCompletedEvent', events[2]);
    assert.equal(events[2].size, 'auto');
    assert.equal(events[2].quality, 'auto');
  });

  it('n > 1 streams one completed event per image whose usage sums to the total', async () => {
    const stream = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat', stream: true, partial_images: 1, n: 3, quality: 'medium' });
    const events = [];
    for await (const event of stream) events.push(event);
    const completed = events.filter((e) => e.type === 'image_generation.completed');
    assert.equal(completed.length, 3);
    assert.equal(events.filter((e) => e.type === 'image_generation.partial_image').length, 3);
    const out = completed.reduce((sum, e) => sum + (e.type === 'image_generation.completed' ? e.usage.output_tokens : 0), 0);
    assert.equal(out, 3 * (1056 + 100));
  });

  it('the raw wire format is event/data pairs with text/event-stream', async () => {
    const res = await fetch(`${server.url}/v1/images/generations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-image-1', prompt: 'a cat', stream: true, partial_images: 1 }),
    });
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.ok(res.headers.get('x-request-id'));
    const text = await res.text();
    const blocks = text.trim().split('\n\n');
    assert.equal(blocks.length, 2);
    for (const block of blocks) {
      const [eventLine, dataLine] = block.split('\n');
      const type = eventLine.replace('event: ', '');
      assert.equal(JSON.parse(dataLine.replace('data: ', '')).type, type);
    }
  });

  it('errors before the first event are ordinary JSON errors', async () => {
    await assert.rejects(
      server.client.images.generate({ model: 'dall-e-2', prompt: 'x', stream: true }),
      (err: unknown) => err instanceof APIError && err.status === 400 && err.param === 'stream',
    );
  });
});

describe('streaming failures', () => {
  it('a failure mid-stream is an event: error the SDK raises', async () => {
    const records: RequestRecord[] = [];
    const server = await startTestServer({ engine: new TestEngine({ failWith: new Error('out of memory') }), hooks: { record: (r) => void records.push(r) } });
    try {
      const stream = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'x', stream: true, partial_images: 2 });
      const seen: string[] = [];
      await assert.rejects(
        (async () => {
          for await (const event of stream) seen.push(event.type);
        })(),
        (err: unknown) => err instanceof APIError && /out of memory/.test(err.message),
      );
      assert.deepEqual(seen, ['image_generation.partial_image', 'image_generation.partial_image']);
      const raw = await fetch(`${server.url}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-image-1', prompt: 'a cat', stream: true, partial_images: 1 }),
      });
      const last = (await raw.text()).trim().split('\n\n').at(-1) ?? '';
      assert.match(last, /^event: error\n/);
      const data = JSON.parse(last.split('\n')[1].replace('data: ', ''));
      assertSchema('ErrorResponse', { error: data.error });
      assert.deepEqual([records.at(-1)?.status, records.at(-1)?.error], [200, 'engine_error'], 'recorded as a failed stream');
      assert.deepEqual({ ...data, error: undefined }, { ...data.error, error: undefined }, 'Error fields also at the top level (OpenAPI ErrorEvent)');
    } finally {
      await server.close();
    }
  });

  it('a client that disconnects cancels the engine work', async () => {
    const engine = new TestEngine({ delayMs: 5000 });
    const records: RequestRecord[] = [];
    const server = await startTestServer({ engine, hooks: { record: (r) => void records.push(r) } });
    try {
      const controller = new AbortController();
      const pending = fetch(`${server.url}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-image-1', prompt: 'a cat' }),
        signal: controller.signal,
      });
      while (engine.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
      controller.abort();
      await assert.rejects(pending);
      const deadline = Date.now() + 2000;
      while (engine.aborted === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(engine.aborted, 1);
      assert.equal(engine.requests.at(-1)?.signal.aborted, true);
      const health = await (await fetch(`${server.url}/health`)).json();
      assert.deepEqual(health.queue, { running: 0, waiting: 0 });
      assert.deepEqual([records.at(-1)?.status, records.at(-1)?.error], [499, 'client_disconnected']);
      assert.equal(records.at(-1)?.model, 'gpt-image-1');
    } finally {
      await server.close();
    }
  });
});
