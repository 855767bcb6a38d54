import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDiffusionProvider } from '../../src/diffusion/provider.ts';
import type { EngineRequest } from '../../src/engines/engine.ts';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'models');
const request: EngineRequest = {
  task: 'text-to-image', prompt: 'a fox', images: [], width: 64, height: 64, n: 1, quality: 'low', seed: 3,
  partialImages: 0, signal: new AbortController().signal,
};

test('models in $ATELIER_HOME/models and complete snapshots in the HF cache are listed and loadable', async () => {
  const home = mkdtempSync(join(tmpdir(), 'atelier-home-'));
  cpSync(join(fixtures, 'tiny-lcm'), join(home, 'models', 'my-lcm'), { recursive: true });
  const hf = mkdtempSync(join(tmpdir(), 'atelier-hf-'));
  const snap = join(hf, 'models--someone--tiny-sd-onnx', 'snapshots', 'c'.repeat(40));
  mkdirSync(snap, { recursive: true });
  cpSync(join(fixtures, 'tiny-sd'), snap, { recursive: true });
  // An incomplete snapshot (no unet) is not a model.
  const partial = join(hf, 'models--someone--half', 'snapshots', 'd'.repeat(40));
  mkdirSync(partial, { recursive: true });
  writeFileSync(join(partial, 'model_index.json'), '{}');

  const provider = createDiffusionProvider({ home, hfCacheDir: hf, settings: { threads: 1 } });
  const list = await provider.list();
  const ids = list.filter((m) => m.installed).map((m) => m.id);
  assert.ok(ids.includes('my-lcm'));
  assert.ok(ids.includes('someone/tiny-sd-onnx'));
  assert.ok(!ids.includes('someone/half'));
  assert.ok(list.some((m) => m.id === 'sdxl-turbo' && !m.installed && m.installCommand === 'atelier pull sdxl-turbo'));
  const fromCache = await provider.load('someone/tiny-sd-onnx');
  assert.equal(fromCache.info.id, 'someone/tiny-sd-onnx');
  assert.equal((await fromCache.generate(request)).images.length, 1);
  await fromCache.dispose();
});

test('loading another model frees the least recently used one (maxLoaded 1) after its requests finish', async () => {
  const provider = createDiffusionProvider({
    home: mkdtempSync(join(tmpdir(), 'atelier-home-')), extraModelDirs: [fixtures],
    hfCacheDir: mkdtempSync(join(tmpdir(), 'atelier-hf-')), settings: { threads: 1 }, maxLoaded: 1,
  });
  const first = await provider.load('tiny-sd');
  const before = await first.generate(request);
  const running = first.generate({ ...request, quality: 'high' });
  const second = await provider.load('tiny-lcm');
  assert.equal((await running).images.length, 1, 'the running request of the evicted model completed');
  assert.equal(await provider.load('tiny-sd'), first, 'handles are stable');
  // The evicted model reloads on its next request, with identical results; the other one is evicted in turn.
  assert.deepEqual((await first.generate(request)).images[0].data, before.images[0].data);
  assert.equal((await second.generate(request)).images.length, 1);
  await first.dispose();
  await second.dispose();
});

test('a model folder with a broken atelier.json is refused with the reason', async () => {
  const home = mkdtempSync(join(tmpdir(), 'atelier-home-'));
  const dir = join(home, 'models', 'broken');
  cpSync(join(fixtures, 'tiny-sd'), dir, { recursive: true });
  writeFileSync(join(dir, 'atelier.json'), JSON.stringify({ quality: { low: { steps: 0 } } }));
  const provider = createDiffusionProvider({ home, hfCacheDir: mkdtempSync(join(tmpdir(), 'atelier-hf-')) });
  await assert.rejects(provider.load('broken'), /quality\.low\.steps/);
  writeFileSync(join(dir, 'atelier.json'), JSON.stringify({ native_size: 100000 }));
  await assert.rejects(provider.load('broken'), /native_size/);
  writeFileSync(join(dir, 'atelier.json'), JSON.stringify({ guidance_scale: -1 }));
  await assert.rejects(provider.load('broken'), /guidance_scale/);
});

test('an inpainting-UNet model only inpaints and says so for other tasks', async () => {
  const provider = createDiffusionProvider({
    home: mkdtempSync(join(tmpdir(), 'atelier-home-')), extraModelDirs: [fixtures],
    hfCacheDir: mkdtempSync(join(tmpdir(), 'atelier-hf-')), settings: { threads: 1 },
  });
  const engine = await provider.load('tiny-sd-inpaint');
  assert.deepEqual(engine.info.tasks, ['inpaint']);
  await assert.rejects(engine.generate(request), (e: unknown) => (e as { param?: string }).param === 'model' && /inpainting model/.test((e as Error).message));
  await engine.dispose();
});

test('asking for CUDA never breaks a machine without it: the session falls back to the CPU', async () => {
  const provider = createDiffusionProvider({
    home: mkdtempSync(join(tmpdir(), 'atelier-home-')), extraModelDirs: [fixtures],
    hfCacheDir: mkdtempSync(join(tmpdir(), 'atelier-hf-')), settings: { provider: 'cuda', threads: 1 },
  });
  const warn = console.warn;
  console.warn = () => undefined; // the fallback warning is expected here
  try {
    const engine = await provider.load('tiny-sd');
    assert.equal((await engine.generate(request)).images.length, 1);
    await engine.dispose();
  } finally {
    console.warn = warn;
  }
});
