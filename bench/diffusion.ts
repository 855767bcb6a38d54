/**
 * Time per stage of one text-to-image generation and the share of time spent outside ONNX Runtime.
 *
 *   node --import tsx bench/diffusion.ts [--model <dir>] [--steps-quality low|medium|high] [--runs N] [--size WxH] [--n N]
 *
 * Without --model it benchmarks a random-weight model with SD-Turbo's tensor shapes (77x1024 text states, 64x64x4
 * latents, 512px output), made on demand by scripts/fixtures/make_tiny_models.py --bench-model into
 * $TMPDIR/atelier-bench-sd. Point --model at a pulled model (e.g. ~/.atelier/models/sd-turbo) for real numbers.
 * Stages: tokenize, text encode, each UNet step, VAE decode, upscale to the OpenAI size, PNG encode.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { ClipTokenizer } from '../src/diffusion/clip-tokenizer.ts';
import { DiffusionEngine, type GenerationTimings } from '../src/diffusion/engine.ts';
import { loadModel } from '../src/diffusion/loaded-model.ts';
import { readModelFolder } from '../src/diffusion/model-folder.ts';
import { ortClock, settingsFromEnv } from '../src/diffusion/onnx-model.ts';
import type { EngineQuality } from '../src/engines/engine.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    'steps-quality': { type: 'string', default: 'high' },
    runs: { type: 'string', default: '3' },
    size: { type: 'string', default: '1024x1024' },
    n: { type: 'string', default: '1' },
  },
});

let dir = values.model;
if (!dir) {
  dir = join(tmpdir(), 'atelier-bench-sd');
  if (!existsSync(join(dir, 'unet', 'model.onnx'))) {
    console.log(`making the benchmark model in ${dir} ...`);
    const r = spawnSync('/usr/bin/python3', ['scripts/fixtures/make_tiny_models.py', '--bench-model', dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0) process.exit(1);
  }
}
const quality = values['steps-quality'] as EngineQuality;
const runs = Number(values.runs);
const n = Number(values.n);
const [outW, outH] = (values.size ?? '1024x1024').split('x').map(Number);

const loadStart = performance.now();
const folder = await readModelFolder(dir);
const settings = settingsFromEnv();
const engine = new DiffusionEngine(await loadModel(folder, settings));
const loadMs = performance.now() - loadStart;
const tokenizer = await ClipTokenizer.fromFolder(join(dir, 'tokenizer'));
const prompt = 'a watercolor fox in a misty forest, soft morning light, highly detailed';

const ms = (v: number) => (v < 1 ? v.toFixed(3) : v.toFixed(1)).padStart(9);
const rows: Record<string, number[]> = {};
const add = (k: string, v: number) => (rows[k] ??= []).push(v);

for (let run = 0; run <= runs; run++) {
  const t0 = performance.now();
  for (let i = 0; i < 100; i++) tokenizer.encodeChunks(`${prompt} ${i}`);
  const tokenizeMs = (performance.now() - t0) / 100;
  const timings: GenerationTimings = { unetSteps: [], decode: 0, encodeImage: 0, previews: 0, promptEncode: 0, total: 0 };
  const ortBefore = ortClock.ms;
  const result = await engine.generate({
    task: 'text-to-image', prompt, images: [], width: outW, height: outH, n, quality, seed: run,
    partialImages: 0, signal: new AbortController().signal,
  }, timings);
  const ortMs = ortClock.ms - ortBefore;
  const img = result.images[0];
  const u0 = performance.now();
  const upscaled = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: img.channels } })
    .resize(outW, outH, { kernel: 'lanczos3' }).raw().toBuffer();
  const upscaleMs = performance.now() - u0;
  const e0 = performance.now();
  await sharp(upscaled, { raw: { width: outW, height: outH, channels: img.channels } }).png().toBuffer();
  const encodeMs = performance.now() - e0;
  if (run === 0) continue; // warm-up: first runs pay for ORT's lazy allocations
  add('tokenize (per prompt)', tokenizeMs);
  add('text encode (incl. tokenize)', timings.promptEncode);
  timings.unetSteps.forEach((s, i) => add(`UNet step ${i + 1}`, s));
  add('VAE decode', timings.decode);
  add('engine total', timings.total);
  add('  of which inside ORT', ortMs);
  add('  outside ORT (ms)', timings.total - ortMs);
  add('  outside ORT (%)', (100 * (timings.total - ortMs)) / timings.total);
  if (n > 1) add('engine total per image', timings.total / n);
  add(`upscale ${img.width}x${img.height} -> ${outW}x${outH} (sharp lanczos3)`, upscaleMs);
  add('PNG encode (sharp)', encodeMs);
}

console.log(`model ${folder.id} (${dir}), quality ${quality}: ${folder.defaults.quality[quality].steps} steps, ` +
  `guidance ${folder.defaults.guidanceScale}, n ${n} (one UNet batch), provider ${settings.provider ?? 'cpu'}, load ${loadMs.toFixed(0)} ms, ${runs} measured runs`);
console.log(`${'stage'.padEnd(52)}${'mean ms'.padStart(9)}${'min'.padStart(9)}${'max'.padStart(9)}`);
for (const [k, v] of Object.entries(rows)) {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  console.log(`${k.padEnd(52)}${ms(mean)}${ms(Math.min(...v))}${ms(Math.max(...v))}`);
}
await engine.dispose();
