/**
 * Moderation cost per request: one prompt plus one 1024x1024 output image (target <= 100 ms).
 *   node --import tsx bench/safety.ts [--runs 30]
 * Prints the machine's load average too: on a shared machine the image model's time scales with it.
 */
import { loadavg, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createModerator } from '../src/safety/create-moderator.ts';
import { scorePixels, MODEL_INPUT_SIZE } from '../src/safety/image/nsfw-model.ts';
import { loadPrompts } from '../test/safety/eval/evaluate.ts';
import type { RawImage } from '../src/imaging/raw-image.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const runs = Math.max(3, Number.parseInt(values.runs ?? '30', 10));

function image1024(seed: number): RawImage {
  const size = 1024;
  const data = new Uint8Array(size * size * 3);
  let s = seed;
  for (let i = 0, p = 0; p < size * size; p++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const x = p % size;
    const y = (p / size) | 0;
    data[i++] = (x / 4 + (s & 15)) & 255;
    data[i++] = (y / 4 + ((s >> 4) & 15)) & 255;
    data[i++] = ((x + y) / 8) & 255;
  }
  return { width: size, height: size, channels: 3, data };
}

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const q = (f: number) => sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  return `mean ${mean.toFixed(1)} ms, p50 ${q(0.5).toFixed(1)}, p95 ${q(0.95).toFixed(1)}, min ${sorted[0].toFixed(1)} (n=${ms.length})`;
}

console.log(`node ${process.version}, ${cpus().length} cpus, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
let t = performance.now();
const moderator = await createModerator({ preloadImageModel: true });
console.log(`cold start (tfjs wasm + nsfwjs MobileNetV2 load): ${(performance.now() - t).toFixed(0)} ms`);

const prompts = loadPrompts().map((p) => p.text);
const textMs: number[] = [];
for (const p of prompts) {
  t = performance.now();
  await moderator.checkText(p, 'auto');
  textMs.push(performance.now() - t);
}
console.log(`text check, ${prompts.length} prompts: ${stats(textMs)}`);

const images = [image1024(1), image1024(2), image1024(3)];
await moderator.checkImage(images[0], 'auto', 'output'); // warm-up: first inference compiles kernels
const resizeMs: number[] = [];
const inferMs: number[] = [];
const imageMs: number[] = [];
const requestMs: number[] = [];
for (let i = 0; i < runs; i++) {
  const img = images[i % images.length];
  t = performance.now();
  const small = await sharp(Buffer.from(img.data.buffer), { raw: { width: 1024, height: 1024, channels: 3 } })
    .resize(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  resizeMs.push(performance.now() - t);
  t = performance.now();
  await scorePixels(new Uint8Array(small.buffer, small.byteOffset, small.byteLength));
  inferMs.push(performance.now() - t);
  t = performance.now();
  await moderator.checkImage(img, 'auto', 'output');
  imageMs.push(performance.now() - t);
  t = performance.now();
  await moderator.checkText(prompts[i % prompts.length], 'auto');
  await moderator.checkImage(img, 'auto', 'output');
  requestMs.push(performance.now() - t);
}
console.log(`  resize 1024->224 (sharp): ${stats(resizeMs)}`);
console.log(`  model inference (wasm):  ${stats(inferMs)}`);
console.log(`image check, 1024x1024:    ${stats(imageMs)}`);
console.log(`per request (text + image): ${stats(requestMs)}`);
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
