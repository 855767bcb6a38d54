// The built-in model (models/atelier-shapes, trained and exported by its own scripts) through the engine. It is
// skipped until the export exists in the tree; once it does, it must load and draw reproducibly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILTIN_MODEL_DIR, createDiffusionProvider } from '../../src/diffusion/provider.ts';
import { looksLikeModelFolder } from '../../src/diffusion/model-folder.ts';
import type { EngineRequest } from '../../src/engines/engine.ts';

const present = looksLikeModelFolder(BUILTIN_MODEL_DIR);

test('atelier-shapes: listed, loaded, and seeded like any other model', { skip: !present && 'models/atelier-shapes is not exported yet' }, async () => {
  const provider = createDiffusionProvider({ home: mkdtempSync(join(tmpdir(), 'atelier-home-')), hfCacheDir: mkdtempSync(join(tmpdir(), 'atelier-hf-')) });
  const entry = (await provider.list()).find((m) => m.id === 'atelier-shapes');
  assert.equal(entry?.installed, true);
  const engine = await provider.load('atelier-shapes');
  const req: EngineRequest = {
    task: 'text-to-image', prompt: 'a red circle on the left', images: [], width: 1024, height: 1024, n: 2,
    quality: 'low', seed: 1, partialImages: 1, signal: new AbortController().signal,
  };
  const a = await engine.generate(req);
  const b = await engine.generate(req);
  assert.equal(a.images.length, 2);
  assert.equal(a.images[0].width, engine.info.nativeSize);
  assert.deepEqual(a.images[0].data, b.images[0].data);
  assert.notDeepEqual(a.images[0].data, a.images[1].data);
  await engine.dispose();
});
