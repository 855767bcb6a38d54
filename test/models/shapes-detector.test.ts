/**
 * The evaluation's detector (models/atelier-shapes/eval/detector.ts) must read ground-truth renders of the shapes
 * world perfectly, or its accuracy numbers for the model would mean nothing. Fixtures come from
 * models/atelier-shapes/training/make_fixtures.py (the training renderer); a blank or altered image must fail.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { analyse, loadTemplates, score, summarise, type SceneSpec } from '../../models/atelier-shapes/eval/detector.ts';
import type { RawImage } from '../../src/imaging/raw-image.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const specs = JSON.parse(readFileSync(join(FIXTURES, 'shapes-fixtures.json'), 'utf8')) as (SceneSpec & { file: string })[];
const templates = loadTemplates();

async function load(file: string): Promise<RawImage> {
  const { data, info } = await sharp(join(FIXTURES, file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

test('reads every attribute of ground-truth renders', async () => {
  const results = [];
  for (const spec of specs) {
    const found = analyse(await load(spec.file), templates);
    const r = score(spec, found);
    assert.deepEqual(r.colour, spec.shapes.map(() => 1), `${spec.caption}: ${JSON.stringify(found)}`);
    assert.deepEqual(r.shape, spec.shapes.map(() => 1), `${spec.caption}: ${JSON.stringify(found)}`);
    assert.equal(r.position, 1, spec.caption);
    assert.equal(r.background, 1, spec.caption);
    assert.equal(r.count, 1, spec.caption);
    results.push(r);
  }
  const all = summarise(results, specs).all;
  assert.equal(all.colour, 1);
  assert.equal(all.captions, specs.length);
});

test('scores a wrong image as wrong', async () => {
  const spec = specs[0];
  const img = await load(spec.file);
  const blank: RawImage = { ...img, data: new Uint8Array(img.data.length).fill(128) };
  const r = score(spec, analyse(blank, templates));
  assert.deepEqual(r.colour, [0]);
  assert.equal(r.position, 0);
  assert.equal(r.count, 0);
  // the same picture mirrored left-right puts the shape in the wrong place
  const mirrored = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      for (let c = 0; c < 3; c++) mirrored[(y * img.width + x) * 3 + c] = img.data[(y * img.width + (img.width - 1 - x)) * 3 + c];
    }
  }
  assert.equal(spec.shapes[0].position, 'left');
  assert.equal(score(spec, analyse({ ...img, data: mirrored }, templates)).position, 0);
});
