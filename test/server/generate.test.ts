// Generations through the official SDK against the real server: every parameter of reference §1.1, GPT and DALL·E
// semantics, and every response validated against the OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertSchema } from '../helpers/openapi.ts';
import { metadataOf } from '../helpers/images.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe('POST /v1/images/generations', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('accepts every GPT parameter and answers with resolved values, usage and b64_json', async () => {
    const res = await server.client.images.generate({
      model: 'gpt-image-1',
      prompt: 'a red fox, landscape',
      n: 2,
      size: '1536x1024',
      quality: 'low',
      background: 'opaque',
      output_format: 'webp',
      output_compression: 80,
      moderation: 'low',
      partial_images: 0,
      stream: false,
      user: 'user-1234',
    });
    assertSchema('ImagesResponse', res);
    assert.equal(res.data?.length, 2);
    assert.equal(res.size, '1536x1024');
    assert.equal(res.quality, 'low');
    assert.equal(res.background, 'opaque');
    assert.equal(res.output_format, 'webp');
    assert.equal(res.usage?.output_tokens, 2 * 400);
    assert.equal(res.usage?.total_tokens, (res.usage?.input_tokens ?? 0) + 800);
    for (const d of res.data ?? []) {
      assert.equal(d.url, undefined);
      const meta = await metadataOf(Buffer.from(d.b64_json ?? '', 'base64'));
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 1536, 1024]);
      assertSchema('Image', d);
    }
    const req = server.engine.requests.at(-1);
    assert.equal(req?.task, 'text-to-image');
    assert.equal(req?.quality, 'low');
    assert.equal(req?.n, 2);
  });

  it('resolves auto size from the prompt and auto quality from the config default', async () => {
    const portrait = await server.client.images.generate({ model: 'gpt-image-1.5', prompt: 'a portrait of a cat', size: 'auto', quality: 'auto' });
    assert.equal(portrait.size, '1024x1536');
    assert.equal(portrait.quality, 'medium');
    const wide = await server.client.images.generate({ model: 'gpt-image-1-mini', prompt: 'a wide panorama of hills' });
    assert.equal(wide.size, '1536x1024');
    const square = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat' });
    assert.equal(square.size, '1024x1024');
    assertSchema('ImagesResponse', square);
  });

  it('encodes jpeg with output_compression and png with transparency', async () => {
    const small = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat', output_format: 'jpeg', output_compression: 5 });
    const big = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat', output_format: 'jpeg', output_compression: 100 });
    const smallBytes = Buffer.from(small.data?.[0].b64_json ?? '', 'base64');
    const bigBytes = Buffer.from(big.data?.[0].b64_json ?? '', 'base64');
    assert.equal((await metadataOf(smallBytes)).format, 'jpeg');
    assert.ok(smallBytes.length < bigBytes.length, `compression 5 (${smallBytes.length}) < 100 (${bigBytes.length})`);

    const clear = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat', background: 'transparent', output_format: 'png' });
    assert.equal(clear.background, 'transparent');
    const png = Buffer.from(clear.data?.[0].b64_json ?? '', 'base64');
    const meta = await metadataOf(png);
    assert.equal(meta.hasAlpha, true);
  });

  it('is reproducible with seed and differs without it', async () => {
    const a = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat', seed: 42 } as never);
    const b = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat', seed: 42 } as never);
    const c = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat', seed: 43 } as never);
    assert.equal(a.data?.[0].b64_json, b.data?.[0].b64_json);
    assert.notEqual(a.data?.[0].b64_json, c.data?.[0].b64_json);
    assert.equal(server.engine.requests.at(-1)?.seed, 43);
    // Without a seed the server draws one and reports it, so the result can be reproduced.
    const drawn = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat' }).withResponse();
    const seed = Number(drawn.response.headers.get('x-atelier-seed'));
    assert.ok(Number.isInteger(seed));
    const again = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat', seed } as never);
    assert.equal(again.data?.[0].b64_json, drawn.data.data?.[0].b64_json);
  });

  it('dall-e-2 (the default model) answers with a URL served by this server', async () => {
    const res = await server.client.images.generate({ prompt: 'a cat', size: '256x256', n: 2 });
    assertSchema('ImagesResponse', res);
    assert.deepEqual(Object.keys(res).sort(), ['created', 'data']);
    assert.equal(res.data?.length, 2);
    const url = res.data?.[0].url ?? '';
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/v1\/images\/files\/[0-9a-f]{32}\.png$/);
    const file = await fetch(url);
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/png');
    const meta = await metadataOf(Buffer.from(await file.arrayBuffer()));
    assert.deepEqual([meta.width, meta.height], [256, 256]);
    const missing = await fetch(url.replace(/[0-9a-f]{32}/, '0'.repeat(32)));
    assert.equal(missing.status, 404);
  });

  it('dall-e-3 gives b64_json on request, revised_prompt, style and hd', async () => {
    const res = await server.client.images.generate({
      model: 'dall-e-3', prompt: 'a lighthouse', size: '1792x1024', quality: 'hd', style: 'natural', response_format: 'b64_json',
    });
    assertSchema('ImagesResponse', res);
    assert.equal(res.data?.[0].revised_prompt, 'a lighthouse');
    assert.equal(res.usage, undefined);
    const meta = await metadataOf(Buffer.from(res.data?.[0].b64_json ?? '', 'base64'));
    assert.deepEqual([meta.width, meta.height], [1792, 1024]);
    assert.equal(server.engine.requests.at(-1)?.quality, 'high');
  });

  it('a GPT-only parameter without a model picks gpt-image-1 (OpenAI rule)', async () => {
    const res = await server.client.images.generate({ prompt: 'a cat', output_format: 'png' });
    assert.ok(res.usage);
    assert.ok(res.data?.[0].b64_json);
  });

  it('local model ids are accepted directly', async () => {
    const res = await server.client.images.generate({ model: 'test-model', prompt: 'a cat' });
    assert.ok(res.data?.[0].b64_json);
    assert.ok(res.usage);
  });

  it('every response has x-request-id', async () => {
    const { response, data } = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a cat' }).withResponse();
    assert.match(response.headers.get('x-request-id') ?? '', /^req_[0-9a-f]{32}$/);
    assert.ok(data.created > 1_700_000_000);
    const health = await fetch(`${server.url}/health`);
    assert.ok(health.headers.get('x-request-id'));
  });
});
