// Edits and variations through the official SDK (multipart with toFile, `image[]` arrays, masks) and the JSON edit
// body; DALL·E input rules; responses validated against the OpenAPI document.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BadRequestError, toFile } from 'openai';
import { jpegImage, metadataOf, pngImage, webpImage } from '../helpers/images.ts';
import { assertSchema } from '../helpers/openapi.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

async function pngFile(w: number, h: number, name = 'in.png', opts: { transparentHole?: boolean } = {}): Promise<File> {
  return toFile(await pngImage(w, h, opts), name, { type: 'image/png' });
}

describe('POST /v1/images/edits', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('edits one image with a mask through toFile', async () => {
    const res = await server.client.images.edit({
      model: 'gpt-image-1',
      prompt: 'add a hat',
      image: await pngFile(96, 64),
      mask: await pngFile(96, 64, 'mask.png', { transparentHole: true }),
      n: 1,
      size: 'auto',
      quality: 'high',
      background: 'auto',
      input_fidelity: 'high',
      output_format: 'png',
      output_compression: 100,
      partial_images: 0,
      user: 'u1',
    });
    assertSchema('ImagesResponse', res);
    assert.equal(res.size, '1536x1024', 'auto follows the landscape input');
    assert.equal(res.quality, 'high');
    const req = server.engine.requests.at(-1);
    assert.equal(req?.task, 'inpaint');
    assert.equal(req?.images.length, 1);
    assert.deepEqual([req?.mask?.width, req?.mask?.height], [96, 64]);
    assert.equal(req?.mask?.channels, 4);
    // 96x64 input: one 512 tile (65 + 129) + high fidelity for a non-square image (6240).
    assert.equal(res.usage?.input_tokens_details.image_tokens, 65 + 129 * 2 + 6240);
  });

  it('edits 16 images sent as image[], with and without a mask', async () => {
    const images = await Promise.all(Array.from({ length: 16 }, (_, i) => pngFile(32, 32, `img${i}.png`)));
    const res = await server.client.images.edit({ model: 'gpt-image-1.5', prompt: 'combine them', image: images });
    assertSchema('ImagesResponse', res);
    let req = server.engine.requests.at(-1);
    assert.equal(req?.images.length, 16);
    assert.equal(req?.task, 'image-to-image');
    const masked = await server.client.images.edit({
      model: 'gpt-image-1', prompt: 'combine them', image: images, mask: await pngFile(32, 32, 'mask.png', { transparentHole: true }), n: 2,
    });
    assertSchema('ImagesResponse', masked);
    assert.equal(masked.data?.length, 2);
    req = server.engine.requests.at(-1);
    assert.equal(req?.images.length, 16);
    assert.equal(req?.task, 'inpaint');
    assert.equal(masked.usage?.input_tokens_details.image_tokens, 16 * 194);
  });

  it('dall-e-2 uses the image transparency as the mask when none is sent', async () => {
    await server.client.images.edit({ model: 'dall-e-2', prompt: 'fill the hole', image: await pngFile(32, 32, 'hole.png', { transparentHole: true }) });
    const req = server.engine.requests.at(-1);
    assert.equal(req?.task, 'inpaint');
    assert.equal(req?.mask?.channels, 4);
  });

  it('accepts jpeg and webp inputs', async () => {
    const res = await server.client.images.edit({
      model: 'gpt-image-1',
      prompt: 'x',
      image: [await toFile(await jpegImage(40, 40), 'a.jpg', { type: 'image/jpeg' }), await toFile(await webpImage(40, 40), 'b.webp', { type: 'image/webp' })],
    });
    assert.equal(res.data?.length, 1);
  });

  it('rejects 17 images with the param named', async () => {
    const images = await Promise.all(Array.from({ length: 17 }, (_, i) => pngFile(8, 8, `img${i}.png`)));
    await assert.rejects(server.client.images.edit({ model: 'gpt-image-1', prompt: 'x', image: images }), (err: unknown) => {
      assert.ok(err instanceof BadRequestError);
      assert.equal(err.param, 'image');
      return true;
    });
  });

  it('rejects a mask of another size and a mask without alpha', async () => {
    await assert.rejects(
      server.client.images.edit({ model: 'gpt-image-1', prompt: 'x', image: await pngFile(64, 64), mask: await pngFile(32, 32, 'm.png', { transparentHole: true }) }),
      (err: unknown) => err instanceof BadRequestError && err.param === 'mask' && /same dimensions/.test(err.message),
    );
    await assert.rejects(
      server.client.images.edit({ model: 'gpt-image-1', prompt: 'x', image: await pngFile(64, 64), mask: await pngFile(64, 64, 'm.png') }),
      (err: unknown) => err instanceof BadRequestError && err.param === 'mask' && /alpha/.test(err.message),
    );
  });

  it('rejects a non-image and a wrong content type, naming image[i]', async () => {
    await assert.rejects(
      server.client.images.edit({ model: 'gpt-image-1', prompt: 'x', image: await toFile(Buffer.from('hello'), 'a.txt', { type: 'text/plain' }) }),
      (err: unknown) => err instanceof BadRequestError && err.param === 'image' && err.code === 'unsupported_file_mimetype',
    );
    await assert.rejects(
      server.client.images.edit({ model: 'gpt-image-1', prompt: 'x', image: [await pngFile(8, 8), await toFile(Buffer.from('not a png'), 'b.png', { type: 'image/png' })] }),
      (err: unknown) => err instanceof BadRequestError && err.param === 'image[1]' && err.code === 'invalid_image_file',
    );
  });

  it('dall-e-2 edits need one square PNG and answer with a URL', async () => {
    const res = await server.client.images.edit({ model: 'dall-e-2', prompt: 'x', image: await pngFile(64, 64), size: '512x512' });
    assertSchema('ImagesResponse', res);
    assert.match(res.data?.[0].url ?? '', /\/v1\/images\/files\//);
    await assert.rejects(
      server.client.images.edit({ model: 'dall-e-2', prompt: 'x', image: await pngFile(64, 32) }),
      (err: unknown) => err instanceof BadRequestError && err.param === 'image' && /square/.test(err.message),
    );
    await assert.rejects(
      server.client.images.edit({ model: 'dall-e-3', prompt: 'x', image: await pngFile(64, 64) }),
      (err: unknown) => err instanceof BadRequestError && err.param === 'model',
    );
  });

  it('accepts the JSON body with images[].image_url data URLs', async () => {
    const png = (await pngImage(48, 48)).toString('base64');
    const mask = (await pngImage(48, 48, { transparentHole: true })).toString('base64');
    const res = await fetch(`${server.url}/v1/images/edits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-image-1',
        prompt: 'x',
        images: [{ image_url: `data:image/png;base64,${png}` }, { image_url: `data:image/png;base64,${png}` }],
        mask: { image_url: `data:image/png;base64,${mask}` },
        moderation: 'low',
        output_format: 'jpeg',
      }),
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assertSchema('ImagesResponse', body);
    assert.equal(body.output_format, 'jpeg');
    assert.equal(server.engine.requests.at(-1)?.images.length, 2);

    const bad = await fetch(`${server.url}/v1/images/edits`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'x', images: [{ image_url: 'https://example.com/cat.png' }] }),
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.param, 'images[0].image_url');
  });
});

describe('POST /v1/images/variations', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('makes variations of a square PNG (dall-e-2 contract)', async () => {
    const res = await server.client.images.createVariation({ image: await pngFile(64, 64), n: 3, size: '256x256', response_format: 'b64_json', user: 'u' });
    assertSchema('ImagesResponse', res);
    assert.equal(res.data?.length, 3);
    const meta = await metadataOf(Buffer.from(res.data?.[0].b64_json ?? '', 'base64'));
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 256, 256]);
    assert.equal(server.engine.requests.at(-1)?.task, 'variation');
    assert.equal(server.engine.requests.at(-1)?.prompt, '');

    const byUrl = await server.client.images.createVariation({ image: await pngFile(64, 64), model: 'dall-e-2' });
    assert.match(byUrl.data?.[0].url ?? '', /^http/);
  });

  it('rejects GPT models, prompts and non-square images', async () => {
    await assert.rejects(
      server.client.images.createVariation({ image: await pngFile(64, 64), model: 'gpt-image-1' }),
      (err: unknown) => err instanceof BadRequestError && err.param === 'model',
    );
    await assert.rejects(
      server.client.images.createVariation({ image: await pngFile(64, 48) }),
      (err: unknown) => err instanceof BadRequestError && err.param === 'image',
    );
    await assert.rejects(
      server.client.images.createVariation({ image: await pngFile(64, 64), prompt: 'x' } as never),
      (err: unknown) => err instanceof BadRequestError && err.param === 'prompt' && err.code === 'unknown_parameter',
    );
  });
});
