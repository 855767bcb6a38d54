// The engine against the diffusers pipelines' arithmetic: scripts/fixtures/make_tiny_models.py runs the same networks
// in torch with diffusers' scheduler formulas, torch.Generator seeding, CFG batching and VAE post-processing, and
// stores the pixels. The TypeScript engine, running the ONNX exports, must give the same images (ORT vs torch float
// differences may flip a rounding: at most 1 level per channel on a few pixels).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDiffusionProvider } from '../../src/diffusion/provider.ts';
import type { EngineQuality, EngineTask } from '../../src/engines/engine.ts';
import type { RawImage } from '../../src/imaging/raw-image.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'models');
const reference = JSON.parse(readFileSync(join(fixtures, 'reference-images.json'), 'utf8')) as {
  cases: { model: string; task: EngineTask; prompt: string; width: number; height: number; n: number; quality: EngineQuality; seed: number;
    width_px: number; height_px: number; images: string[] }[];
};
const provider = createDiffusionProvider({
  home: mkdtempSync(join(tmpdir(), 'atelier-home-')), extraModelDirs: [fixtures],
  hfCacheDir: mkdtempSync(join(tmpdir(), 'atelier-hf-')), settings: { threads: 1 }, maxLoaded: 1,
});
after(async () => (await provider.load('tiny-sd')).dispose());

/** The input image and mask the reference script uses: a 64x64 gradient; the left half of the mask transparent. */
function gradient(): RawImage {
  const data = new Uint8Array(64 * 64 * 3);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) for (let c = 0; c < 3; c++) data[(y * 64 + x) * 3 + c] = (x * 3 + y * 5 + c * 70) % 256;
  return { width: 64, height: 64, channels: 3, data };
}
function leftHalfMask(): RawImage {
  const data = new Uint8Array(64 * 64 * 4);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) data[(y * 64 + x) * 4 + 3] = x < 32 ? 0 : 255;
  return { width: 64, height: 64, channels: 4, data };
}

for (const c of reference.cases) {
  test(`${c.model} ${c.task}: same pixels as the torch reference (seed ${c.seed}, n ${c.n}, ${c.width}x${c.height})`, async (t) => {
    const engine = await provider.load(c.model);
    const out = await engine.generate({
      task: c.task, prompt: c.prompt, images: c.task === 'text-to-image' ? [] : [gradient()],
      mask: c.task === 'inpaint' ? leftHalfMask() : undefined, width: c.width, height: c.height, n: c.n, quality: c.quality,
      seed: c.seed, partialImages: 0, signal: new AbortController().signal,
    });
    assert.equal(out.images.length, c.images.length);
    out.images.forEach((img, i) => {
      assert.deepEqual([img.width, img.height], [c.width_px, c.height_px]);
      const expected = Buffer.from(c.images[i], 'base64');
      assert.equal(img.data.length, expected.length);
      let maxDiff = 0;
      let off = 0;
      for (let k = 0; k < expected.length; k++) {
        const d = Math.abs(img.data[k] - expected[k]);
        maxDiff = Math.max(maxDiff, d);
        if (d > 0) off++;
      }
      t.diagnostic(`image ${i}: max diff ${maxDiff}, ${off} values differ`);
      assert.ok(maxDiff <= 1 && off <= expected.length * 0.01, `image ${i}: max diff ${maxDiff}, ${off} of ${expected.length} values differ`);
    });
  });
}
