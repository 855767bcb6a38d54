/**
 * Moderation cost per request: one prompt plus one 1024x1024 image (target <= 100 ms).
 *   node --import tsx bench/safety.ts [--runs 20]
 *
 * The machine is shared (other builds, a training job), so absolute times drift with its load. The old and new image
 * paths therefore run interleaved, alternating which goes first, and the headline is the median of the per-pair
 * ratios old/new, which the drift mostly cancels out of. Absolute times are printed too.
 *   old: sharp resize + nsfwjs MobileNetV2 on TensorFlow.js wasm (SIMD, 1 thread: its threaded build cannot start
 *        its workers in Node 20)
 *   new: sharp resize + the same weights converted to ONNX, onnxruntime CPU, 1 thread (and 2, for comparison)
 */
import { loadavg, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createModerator } from '../src/safety/create-moderator.ts';
import {
  configureImageModel,
  imageModelStats,
  loadImageModel,
  nsfwModel,
  scorePixelsTfjs,
  MODEL_INPUT_SIZE,
} from '../src/safety/image/nsfw-model.ts';
import { OnnxNsfwModel, convertNsfwjsMobileNetV2 } from '../src/safety/image/onnx-nsfw-model.ts';
import { loadPrompts } from '../test/safety/eval/evaluate.ts';
import type { RawImage } from '../src/imaging/raw-image.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const runs = Math.max(3, Number.parseInt(values.runs ?? '20', 10));

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

function quantile(ms: number[], f: number): number {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];
}

function stats(ms: number[]): string {
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  return `mean ${mean.toFixed(1)} ms, p50 ${quantile(ms, 0.5).toFixed(1)}, p95 ${quantile(ms, 0.95).toFixed(1)}, min ${Math.min(...ms).toFixed(1)} (n=${ms.length})`;
}

async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const out = await fn();
  return [performance.now() - t, out];
}

/** The resize both paths share: raw pixels straight into sharp, no encode/decode. */
async function toModelInput(img: RawImage): Promise<Uint8Array> {
  const small = await sharp(Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), {
    raw: { width: img.width, height: img.height, channels: img.channels },
  })
    .resize(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return new Uint8Array(small.buffer, small.byteOffset, small.byteLength);
}

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`node ${process.version}, ${cpus().length} cpus, load average ${load()}`);

// --- cold start -------------------------------------------------------------------------------------------------
const [convertMs] = await timed(() => convertNsfwjsMobileNetV2());
console.log(`convert nsfwjs MobileNetV2 -> ONNX (first start, then cached): ${convertMs.toFixed(0)} ms`);
const [onnxColdMs, onnx1] = await timed(() => OnnxNsfwModel.load({ cacheDir: null, threads: 1 }));
console.log(`cold start onnxruntime (convert in memory + session + warm-up): ${onnxColdMs.toFixed(0)} ms`);
const onnx2 = await OnnxNsfwModel.load({ cacheDir: null, threads: 2 });
const [tfjsColdMs] = await timed(() => nsfwModel());
console.log(`cold start tfjs (wasm backend + model + warm-up): ${tfjsColdMs.toFixed(0)} ms`);
configureImageModel({ runtime: 'onnxruntime' }); // the product default: cached under $ATELIER_HOME/cache
const [preloadMs, info] = await timed(() => loadImageModel());
console.log(`moderator preload (${info.runtime}, graph from the cache): ${preloadMs.toFixed(0)} ms`);
const moderator = await createModerator();

// --- text -------------------------------------------------------------------------------------------------------
const prompts = loadPrompts().map((p) => p.text);
const textMs: number[] = [];
for (const p of prompts) textMs.push((await timed(() => moderator.checkText(p, 'auto')))[0]);
console.log(`text check, ${prompts.length} prompts: ${stats(textMs)}`);

// --- image: old vs new, interleaved -------------------------------------------------------------------------------
const base = [image1024(1), image1024(2), image1024(3)];
const variant = (i: number): RawImage => {
  // A distinct image per run (a 64x64 block of its own colour), so no path is answered from the score cache.
  const img = base[i % base.length];
  const data = Uint8Array.from(img.data);
  const x0 = (i * 67) % 960;
  for (let y = 0; y < 64; y++) data.fill((i * 37) & 255, ((y + 400) * 1024 + x0) * 3, ((y + 400) * 1024 + x0 + 64) * 3);
  return { ...img, data };
};
const oldPath = async (img: RawImage) => scorePixelsTfjs(await toModelInput(img));
const newPath = (m: OnnxNsfwModel) => async (img: RawImage) => m.classify(await toModelInput(img));
for (const img of base) {
  await oldPath(img);
  await newPath(onnx1)(img);
  await newPath(onnx2)(img);
}

const resizeMs: number[] = [];
const ms = { old: [] as number[], new1: [] as number[], new2: [] as number[] };
const ratio1: number[] = [];
const ratio2: number[] = [];
for (let i = 0; i < runs; i++) {
  const img = variant(i);
  resizeMs.push((await timed(() => toModelInput(img)))[0]);
  const order: Array<keyof typeof ms> = i % 2 ? ['old', 'new1', 'new2'] : ['new2', 'new1', 'old'];
  const got: Partial<Record<keyof typeof ms, number>> = {};
  for (const which of order) {
    const run: (img: RawImage) => Promise<unknown> = which === 'old' ? oldPath : newPath(which === 'new1' ? onnx1 : onnx2);
    got[which] = (await timed(() => run(img)))[0];
    ms[which].push(got[which]);
  }
  ratio1.push(got.old! / got.new1!);
  ratio2.push(got.old! / got.new2!);
}
console.log(`  resize 1024->224 (sharp, linear): ${stats(resizeMs)}`);
console.log(`  old  tfjs wasm, resize + inference:        ${stats(ms.old)}`);
console.log(`  new  onnxruntime 1 thread, resize + inf.:  ${stats(ms.new1)}`);
console.log(`  new  onnxruntime 2 threads, resize + inf.: ${stats(ms.new2)}`);
console.log(`  RATIO old/new (median of interleaved pairs): 1 thread ${quantile(ratio1, 0.5).toFixed(1)}x ` +
  `(p10 ${quantile(ratio1, 0.1).toFixed(1)}x), 2 threads ${quantile(ratio2, 0.5).toFixed(1)}x (p10 ${quantile(ratio2, 0.1).toFixed(1)}x)`);

// --- what a request pays through the moderator (new path, product defaults) ----------------------------------------
const imageMs: number[] = [];
const requestMs: number[] = [];
const repeatMs: number[] = [];
const before = imageModelStats();
for (let i = 0; i < runs; i++) {
  const img = variant(runs + i);
  imageMs.push((await timed(() => moderator.checkImage(img, 'auto', 'output')))[0]);
  // The final image equal to the last preview: answered from the score cache.
  repeatMs.push((await timed(() => moderator.checkImage(img, 'auto', 'output')))[0]);
  const other = variant(3 * runs + i);
  requestMs.push((await timed(async () => {
    await moderator.checkText(prompts[i % prompts.length], 'auto');
    await moderator.checkImage(other, 'auto', 'output');
  }))[0]);
}
const after = imageModelStats();
console.log(`image check 1024x1024 (moderator, ${info.runtime}): ${stats(imageMs)}`);
console.log(`same pixels again (score cache): ${stats(repeatMs)}`);
console.log(`per request (text + image):      ${stats(requestMs)}`);
console.log(`inferences ${after.inferences - before.inferences}, cache hits ${after.cacheHits - before.cacheHits}`);
console.log(`load average after: ${load()}`);
await onnx1.release();
await onnx2.release();
