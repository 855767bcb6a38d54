// End to end through the real server and the official SDK, with the real diffusion provider on the tiny fixture
// models: generate, edit, inpaint, variations and streaming return images of the requested size and format; the
// same seed gives identical bytes and another seed different ones.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI, { toFile } from 'openai';
import { defaultConfig } from '../../src/config/config.ts';
import { createDiffusionProvider } from '../../src/diffusion/provider.ts';
import type { Engine, EngineProvider } from '../../src/engines/engine.ts';
import { createApp } from '../../src/server/app.ts';
import { metadataOf, pngImage } from '../helpers/images.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'models');

/**
 * Wraps the real provider to observe the UNet loop (progress per step) and to slow the first preview down, so a
 * client can disconnect while the loop is still running. Test double: only observes and delays.
 */
const unetSteps: number[] = [];
function observed(real: EngineProvider): EngineProvider {
  return {
    list: () => real.list(),
    load: async (id) => {
      const engine = await real.load(id);
      const wrapped: Engine = {
        info: engine.info,
        dispose: () => engine.dispose(),
        generate: (req) => engine.generate({
          ...req,
          onProgress: (p) => {
            unetSteps.push(p.step);
            req.onProgress?.(p);
          },
          onPartial: req.onPartial && (async (partial) => {
            await req.onPartial?.(partial);
            await new Promise((r) => setTimeout(r, 1000));
          }),
        }),
      };
      return wrapped;
    },
  };
}

describe('diffusion engine behind the server', () => {
  let client: OpenAI;
  let url: string;
  let close: () => Promise<void>;
  before(async () => {
    const engines = createDiffusionProvider({
      home: mkdtempSync(join(tmpdir(), 'atelier-home-')), extraModelDirs: [fixtures],
      hfCacheDir: mkdtempSync(join(tmpdir(), 'atelier-hf-')), settings: { threads: 1 }, maxLoaded: 1,
    });
    const config = defaultConfig();
    // Every OpenAI name maps to the SDXL-shaped fixture (3 steps at quality high, TAESD previews, CFG on).
    for (const alias of Object.keys(config.aliases)) config.aliases[alias] = 'tiny-sdxl';
    const app = await createApp({ engines: observed(engines), config });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    url = `http://127.0.0.1:${address.port}`;
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0, timeout: 60_000 });
    close = async () => {
      await app.close();
      await (await engines.load('tiny-sdxl')).dispose();
    };
  });
  after(() => close());

  const generate = (extra: Record<string, unknown>) =>
    client.images.generate({ model: 'gpt-image-1', prompt: 'a watercolor fox in a misty forest', ...extra } as OpenAI.ImageGenerateParamsNonStreaming);

  it('generates images of the requested size and format; seeds are reproducible', async () => {
    const a = await generate({ size: '1536x1024', output_format: 'webp', n: 2, seed: 7, quality: 'low' });
    assert.equal(a.data?.length, 2);
    for (const d of a.data ?? []) {
      const meta = await metadataOf(Buffer.from(d.b64_json ?? '', 'base64'));
      assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 1536, 1024]);
    }
    const png1 = await generate({ size: '1024x1024', output_format: 'png', seed: 11, quality: 'low' });
    const png2 = await generate({ size: '1024x1024', output_format: 'png', seed: 11, quality: 'low' });
    const png3 = await generate({ size: '1024x1024', output_format: 'png', seed: 12, quality: 'low' });
    const bytes = (r: OpenAI.ImagesResponse) => Buffer.from(r.data?.[0].b64_json ?? '', 'base64');
    // Compare pixels: the container may carry a per-request manifest or timestamp.
    const { default: sharp } = await import('sharp');
    const pixels = async (r: OpenAI.ImagesResponse) => sharp(bytes(r)).raw().toBuffer();
    assert.deepEqual(await pixels(png1), await pixels(png2), 'same seed, same pixels');
    assert.notDeepEqual(await pixels(png1), await pixels(png3), 'another seed, other pixels');
  });

  it('edits (img2img), inpaints with a mask, and makes variations at the requested size', async () => {
    const image = await toFile(await pngImage(96, 64), 'in.png', { type: 'image/png' });
    const edit = await client.images.edit({ model: 'gpt-image-1', prompt: 'make it autumn', image, size: '1024x1536', output_format: 'jpeg' });
    let meta = await metadataOf(Buffer.from(edit.data?.[0].b64_json ?? '', 'base64'));
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1024, 1536]);

    const mask = await toFile(await pngImage(96, 64, { transparentHole: true }), 'mask.png', { type: 'image/png' });
    const inpainted = await client.images.edit({
      model: 'gpt-image-1', prompt: 'a hat', image: await toFile(await pngImage(96, 64), 'in.png', { type: 'image/png' }), mask,
      size: '1536x1024', output_format: 'png',
    });
    meta = await metadataOf(Buffer.from(inpainted.data?.[0].b64_json ?? '', 'base64'));
    assert.deepEqual([meta.format, meta.width, meta.height], ['png', 1536, 1024]);

    const variation = await client.images.createVariation({
      model: 'dall-e-2', image: await toFile(await pngImage(64, 64), 'v.png', { type: 'image/png' }), n: 2, size: '256x256', response_format: 'b64_json',
    });
    assert.equal(variation.data?.length, 2);
    meta = await metadataOf(Buffer.from(variation.data?.[0].b64_json ?? '', 'base64'));
    assert.deepEqual([meta.width, meta.height], [256, 256]);
  });

  it('streams partial images decoded from intermediate predictions, then the final image', async () => {
    const stream = await client.images.generate({
      model: 'gpt-image-1', prompt: 'a cat', stream: true, partial_images: 2, size: '1024x1024', quality: 'high', output_format: 'png',
    });
    const events: OpenAI.ImageGenStreamEvent[] = [];
    for await (const e of stream) events.push(e);
    const partials = events.filter((e) => e.type === 'image_generation.partial_image');
    const done = events.filter((e) => e.type === 'image_generation.completed');
    assert.equal(partials.length, 2);
    assert.equal(done.length, 1);
    for (const e of [...partials, ...done]) {
      const meta = await metadataOf(Buffer.from(e.b64_json, 'base64'));
      assert.deepEqual([meta.width, meta.height], [1024, 1024]);
    }
  });
});

describe('cancellation through the server', () => {
  it('a client that disconnects mid-stream stops the UNet loop', async () => {
    const engines = createDiffusionProvider({
      home: mkdtempSync(join(tmpdir(), 'atelier-home-')), extraModelDirs: [fixtures],
      hfCacheDir: mkdtempSync(join(tmpdir(), 'atelier-hf-')), settings: { threads: 1 },
    });
    const config = defaultConfig();
    for (const alias of Object.keys(config.aliases)) config.aliases[alias] = 'tiny-sdxl';
    const app = await createApp({ engines: observed(engines), config });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    try {
      unetSteps.length = 0;
      const controller = new AbortController();
      const res = await fetch(`http://127.0.0.1:${address.port}/v1/images/generations`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, signal: controller.signal,
        body: JSON.stringify({ model: 'gpt-image-1', prompt: 'a cat', stream: true, partial_images: 2, quality: 'high' }),
      });
      const reader = res.body?.getReader();
      let text = '';
      while (!text.includes('partial_image')) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        text += Buffer.from(chunk.value).toString('utf8');
      }
      assert.match(text, /image_generation\.partial_image/);
      controller.abort();
      // The engine sleeps 1 s in the first preview, then must notice the abort before its second UNet step.
      await new Promise((r) => setTimeout(r, 2500));
      assert.deepEqual(unetSteps, [1], 'no UNet step ran after the client left (3 would run otherwise)');
    } finally {
      await app.close();
      await (await engines.load('tiny-sdxl')).dispose();
    }
  });
});
