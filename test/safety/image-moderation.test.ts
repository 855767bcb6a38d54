// Image stage on images the tests draw. Assertions are about how the real model's scores behave and how the
// policy uses them, not about hard-coded numbers.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createModerator } from '../../src/safety/create-moderator.ts';
import { scoreImage, imageIsBlocked } from '../../src/safety/image/image-classifier.ts';
import {
  configureImageModel,
  imageModelStats,
  loadImageModel,
  scorePixelsTfjs,
  MODEL_INPUT_SIZE,
  type NsfwScores,
} from '../../src/safety/image/nsfw-model.ts';
import { DEFAULT_POLICY } from '../../src/safety/policy.ts';
import { ApiError } from '../../src/contract/api-error.ts';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flat, gradient, checkerboard, circle, noise, withAlpha } from './support/synthetic-images.ts';

// The converted graph is cached in a scratch directory, not in the real Atelier home.
const cacheDir = mkdtempSync(join(tmpdir(), 'atelier-image-test-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));
configureImageModel({ runtime: 'onnxruntime', cacheDir });

const benignImages = {
  red: flat([220, 30, 30]),
  blue: flat([30, 60, 200]),
  white: flat([255, 255, 255]),
  black: flat([0, 0, 0]),
  beige: flat([224, 172, 140]),
  gradient: gradient(),
  checkerboard: checkerboard(),
  circle: circle(),
  noise: noise(),
};

const moderator = await createModerator();
const risk = (s: NsfwScores) => Math.max(s.Porn + s.Hentai, s.Sexy);

test('scores are a probability distribution over the five nsfwjs classes', async () => {
  for (const [name, image] of Object.entries(benignImages)) {
    const s = await scoreImage(image);
    const values = Object.values(s);
    assert.equal(values.length, 5);
    for (const v of values) assert.ok(v >= 0 && v <= 1, `${name}: ${v}`);
    const sum = values.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 0.02, `${name}: sum ${sum}`);
  }
});

test('the model is deterministic and actually looks at the pixels', async () => {
  const a = await scoreImage(benignImages.checkerboard);
  const b = await scoreImage(benignImages.checkerboard);
  assert.deepEqual(a, b);
  const c = await scoreImage(benignImages.blue);
  const distance = Math.max(...(Object.keys(a) as Array<keyof NsfwScores>).map((k) => Math.abs(a[k] - c[k])));
  assert.ok(distance > 0.1, `a checkerboard and a flat colour scored alike (max class difference ${distance})`);
  // Flat colours and smooth gradients look like graphics, not photos: Drawing leads.
  for (const image of [benignImages.red, benignImages.blue, benignImages.gradient]) {
    const s = await scoreImage(image);
    assert.equal(Object.entries(s).sort((x, y) => y[1] - x[1])[0][0], 'Drawing');
  }
});

test('flat colours, gradients, shapes and noise pass at both levels, with margin below every threshold', async () => {
  for (const [name, image] of Object.entries(benignImages)) {
    for (const level of ['auto', 'low'] as const) {
      assert.deepEqual(await moderator.checkImage(image, level, 'output'), { flagged: false, categories: [] }, `${name} ${level}`);
    }
    const s = await scoreImage(image);
    assert.ok(risk(s) < 0.3, `${name}: risk ${risk(s)} is close to the auto thresholds`);
  }
});

test('the verdict follows the real scores: a threshold at the measured score blocks, just above it passes', async () => {
  const image = benignImages.checkerboard;
  const s = await scoreImage(image);
  const at = await createModerator({ policy: { levels: { auto: { image: { porn: s.Porn, hentai: null, sexy: null, explicitSum: null } } } } });
  assert.deepEqual(await at.checkImage(image, 'auto', 'output'), { flagged: true, categories: ['sexual'] });
  const above = await createModerator({
    policy: { levels: { auto: { image: { porn: Math.min(1, s.Porn + 1e-6), hentai: null, sexy: null, explicitSum: null } } } },
  });
  assert.equal((await above.checkImage(image, 'auto', 'output')).flagged, false);
  // The same scores under the two default levels: low's thresholds are never stricter than auto's.
  const { auto, low } = DEFAULT_POLICY.levels;
  for (const key of ['porn', 'hentai', 'explicitSum'] as const) assert.ok((low.image[key] ?? 1) >= (auto.image[key] ?? 1));
  assert.equal(imageIsBlocked(s, low.image), false);
});

test('transparent images: the hidden colour channels are scored as well as the visible result', async () => {
  const hidden = withAlpha(benignImages.checkerboard, 0); // invisible over white, but the RGB is still there
  const seen = await scoreImage(benignImages.white);
  const raw = await scoreImage(benignImages.checkerboard);
  const expected = risk(seen) > risk(raw) ? seen : raw;
  assert.deepEqual(await scoreImage(hidden), expected);
  // Opaque RGBA scores exactly like RGB.
  assert.deepEqual(await scoreImage(withAlpha(benignImages.circle, 255)), await scoreImage(benignImages.circle));
});

test('a 1024x1024 output is scored (resized for the model) on onnxruntime, loaded once', async () => {
  assert.deepEqual(await loadImageModel(), { runtime: 'onnxruntime' });
  const big = gradient(1024);
  const v = await moderator.checkImage(big, 'auto', 'output');
  assert.equal(v.flagged, false);
});

test('the same pixels are not scored twice (final image == last preview), different pixels are', async () => {
  const preview = noise(512, 777);
  const before = imageModelStats();
  const first = await scoreImage(preview, null);
  const again = await scoreImage({ ...preview, data: Uint8Array.from(preview.data) }, null); // equal pixels, new buffer
  assert.deepEqual(again, first);
  const changed = Uint8Array.from(preview.data);
  changed[0] ^= 0xff;
  await scoreImage({ ...preview, data: changed }, null);
  const after = imageModelStats();
  assert.equal(after.inferences - before.inferences, 2);
  assert.equal(after.cacheHits - before.cacheHits, 1);
});

test('malformed images are a 400 naming the parameter, not a crash', async () => {
  const bad = [
    { width: 0, height: 10, channels: 3 as const, data: new Uint8Array(0) },
    { width: 10, height: 10, channels: 3 as const, data: new Uint8Array(10) },
    { width: 10, height: 10, channels: 2 as unknown as 3, data: new Uint8Array(200) },
    { width: 100_000, height: 100_000, channels: 3 as const, data: new Uint8Array(3) },
  ];
  for (const image of bad) {
    await assert.rejects(moderator.checkImage(image, 'auto', 'input'), (e: unknown) => {
      return e instanceof ApiError && e.status === 400 && e.param === 'image';
    });
  }
  // The subject names the offending field; a malformed engine output is our own bug, a 500.
  await assert.rejects(moderator.checkImage(bad[1], 'auto', 'input', { subject: 'image[2]' }), { status: 400, param: 'image[2]' });
  await assert.rejects(moderator.checkImage(bad[1], 'auto', 'output'), { status: 500, type: 'server_error' });
});

test('the tfjs fallback does not leak tensors (long-running servers)', async () => {
  const pixels = (seed: number) => Uint8Array.from({ length: MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3 }, (_, i) => (i * seed) & 255);
  await scorePixelsTfjs(pixels(1));
  const before = tf.memory().numTensors;
  for (let i = 2; i < 6; i++) await scorePixelsTfjs(pixels(i));
  assert.equal(tf.memory().numTensors, before);
});
