/**
 * The built-in model through the real engine draws what it is asked: a handful of prompts, each image read back
 * with the evaluation's detector. Thresholds sit below the accuracy measured on 360 held-out captions
 * (MODEL_CARD.md: the place of a single shape, its colour and the background are learned; shape kinds are learned
 * for large shapes and, except stars (about half right), for small ones), so a working model passes (fixed seeds
 * make it deterministic) and a broken one (noise, an ignored prompt, swapped axes) fails: by chance a place is right
 * 1 time in 5, a colour 1 in 10, a kind 1 in 6.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { analyse, loadTemplates, region } from '../../models/atelier-shapes/eval/detector.ts';
import { createDiffusionProvider } from '../../src/diffusion/provider.ts';
import type { Engine } from '../../src/engines/engine.ts';

const home = mkdtempSync(join(tmpdir(), 'atelier-shapes-test-'));
let engine: Engine;
const templates = loadTemplates();

before(async () => {
  engine = await createDiffusionProvider({ home, hfCacheDir: join(home, 'none') }).load('atelier-shapes');
});
after(async () => {
  await engine.dispose();
  rmSync(home, { recursive: true, force: true });
});

async function draw(prompt: string, seed: number) {
  const { images } = await engine.generate({
    task: 'text-to-image', prompt, images: [], width: 64, height: 64, n: 1, quality: 'medium', seed,
    partialImages: 0, signal: new AbortController().signal,
  });
  assert.equal(images.length, 1);
  assert.equal(images[0].width, 64);
  return analyse(images[0], templates);
}

const CASES = [
  { prompt: 'a red circle on the left on a white background', colour: 'red', place: 'left', bg: 'white' },
  { prompt: 'a blue square on the right on a yellow background', colour: 'blue', place: 'right', bg: 'yellow' },
  { prompt: 'a big green triangle at the top on a black background', colour: 'green', place: 'top', bg: 'black' },
  { prompt: 'a large yellow star at the bottom on a blue background', colour: 'yellow', place: 'bottom', bg: 'blue' },
  { prompt: 'a big pink ring in the centre on a gray background', colour: 'pink', place: 'centre', bg: 'gray' },
  { prompt: 'a large white diamond on the left on a purple background', colour: 'white', place: 'left', bg: 'purple' },
  { prompt: 'an orange circle on the right on a cyan background', colour: 'orange', place: 'right', bg: 'cyan' },
  { prompt: 'a large black square at the top on a pink background', colour: 'black', place: 'top', bg: 'pink' },
];

const LOG = process.env.ATELIER_TEST_VERBOSE ? console.log : () => {};

test('single shapes come out in the asked place and colour on the asked background', async () => {
  let colour = 0, bg = 0, place = 0;
  for (const [i, c] of CASES.entries()) {
    const found = await draw(c.prompt, 100 + i);
    if (found.objects.some((o) => o.colour === c.colour)) colour++;
    if (found.background === c.bg) bg++;
    if (found.objects.length === 1 && region(found.objects[0].x, found.objects[0].y) === c.place) place++;
  }
  LOG({ colour, bg, place });
  assert.ok(place >= 6, `place right in ${place}/8`);
  assert.ok(colour >= 7, `colour right in ${colour}/8`);
  assert.ok(bg >= 7, `background right in ${bg}/8`);
});

test('changing the place word moves the shape (same seed)', async () => {
  const pairs = [['left', 'right'], ['top', 'bottom'], ['right', 'left'], ['bottom', 'top'],
    ['centre', 'left'], ['top', 'right']] as const;
  const phrase = { left: 'on the left', right: 'on the right', top: 'at the top', bottom: 'at the bottom', centre: 'in the centre' };
  let followed = 0;
  for (const [seed, [a, b]] of pairs.entries()) {
    const at = async (p: keyof typeof phrase) => {
      const found = await draw(`a large yellow square ${phrase[p]} on a blue background`, 200 + seed);
      return found.objects.length === 1 ? region(found.objects[0].x, found.objects[0].y) : 'none';
    };
    if ((await at(a)) === a && (await at(b)) === b) followed++;
  }
  LOG({ followed });
  assert.ok(followed >= 5, `place word followed in ${followed}/6 pairs`);
});

test("changing the colour word changes the shape's colour (same seed)", async () => {
  const pairs = [['red', 'blue'], ['yellow', 'purple'], ['green', 'pink'], ['white', 'orange'], ['cyan', 'red'],
    ['blue', 'yellow']];
  let followed = 0;
  for (const [seed, [a, b]] of pairs.entries()) {
    const first = await draw(`a large ${a} circle in the centre on a gray background`, seed);
    const second = await draw(`a large ${b} circle in the centre on a gray background`, seed);
    const has = (f: typeof first, colour: string) => f.objects.some((o) => o.colour === colour);
    if (has(first, a) && !has(first, b) && has(second, b) && !has(second, a)) followed++;
  }
  LOG({ colourPairs: followed });
  assert.ok(followed >= 5, `colour word followed in ${followed}/6 pairs`);
});

test('the shape word picks the kind of a large shape', async () => {
  const kinds = ['circle', 'square', 'triangle', 'star', 'ring', 'diamond'];
  const places = ['on the left', 'on the right', 'at the top', 'at the bottom', 'in the centre', 'on the left'];
  let right = 0;
  for (const [i, kind] of kinds.entries()) {
    const found = await draw(`a large white ${kind} ${places[i]} on a blue background`, 300 + i);
    if (found.objects.length === 1 && found.objects[0].shape === kind) right++;
  }
  LOG({ kinds: right });
  assert.ok(right >= 5, `shape kind right in ${right}/6`);
});

test('the shape word picks the kind of a small shape (not yet for small stars)', async () => {
  const kinds = ['circle', 'square', 'triangle', 'ring', 'diamond'];
  let right = 0;
  for (const [i, kind] of kinds.entries()) {
    for (const [j, place] of ['on the left', 'on the right'].entries()) {
      const found = await draw(`a small white ${kind} ${place} on a blue background`, 400 + i * 10 + j);
      if (found.objects.length === 1 && found.objects[0].shape === kind) right++;
    }
  }
  LOG({ smallKinds: right });
  // measured 10/10 (fifth version; the fourth drew 8/10)
  assert.ok(right >= 8, `small shape kind right in ${right}/10`);
});
