/**
 * Evaluates the built-in model through the product's own engine: generates one image per held-out caption with
 * createDiffusionProvider -> load('atelier-shapes') -> generate, reads each image back with the detector, and
 * prints accuracy per attribute (colour, shape, position; also background, shape count, size).
 *
 *   node --import tsx models/atelier-shapes/eval/evaluate.ts [--quality medium] [--limit 360] [--seed 1]
 *        [--json out.json] [--grid grid.png] [--model-dir DIR]
 *
 * Held-out captions (heldout-captions.json) describe scenes that never appear in the training data.
 * Exit code 1 when a target (colour >= 90%, shape >= 80%, position >= 80%) is missed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createDiffusionProvider } from '../../../src/diffusion/provider.ts';
import type { EngineQuality } from '../../../src/engines/engine.ts';
import type { RawImage } from '../../../src/imaging/raw-image.ts';
import { analyse, loadTemplates, score, summarise, type SceneScore, type SceneSpec } from './detector.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const TARGETS = { colour: 0.9, shape: 0.8, position: 0.8 } as const;

async function saveGrid(images: RawImage[], file: string): Promise<void> {
  const n = Math.min(images.length, 64);
  const cols = 8;
  const size = images[0].width;
  const rows = Math.ceil(n / cols);
  const canvas = Buffer.alloc(cols * size * rows * size * 3);
  for (let k = 0; k < n; k++) {
    const img = images[k];
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const dst = (((Math.floor(k / cols) * size + y) * cols * size) + (k % cols) * size + x) * 3;
        const src = (y * img.width + x) * img.channels;
        canvas[dst] = img.data[src];
        canvas[dst + 1] = img.data[src + 1];
        canvas[dst + 2] = img.data[src + 2];
      }
    }
  }
  await sharp(canvas, { raw: { width: cols * size, height: rows * size, channels: 3 } }).png().toFile(file);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quality: { type: 'string', default: 'medium' },
      limit: { type: 'string', default: '360' },
      seed: { type: 'string', default: '1' },
      json: { type: 'string' },
      grid: { type: 'string' },
    },
  });
  const quality = values.quality as EngineQuality;
  if (!['low', 'medium', 'high'].includes(quality)) throw new Error('--quality must be low, medium or high');
  const limit = Number.parseInt(values.limit ?? '360', 10);
  const seed = Number.parseInt(values.seed ?? '1', 10);
  if (!(limit > 0) || !Number.isInteger(seed)) throw new Error('--limit must be positive and --seed an integer');

  let specs = JSON.parse(readFileSync(join(HERE, 'heldout-captions.json'), 'utf8')) as SceneSpec[];
  if (limit < specs.length) {
    const stride = Math.max(1, Math.floor(specs.length / limit)); // keeps the 1/2/3-shape mix
    specs = specs.filter((_, i) => i % stride === 0).slice(0, limit);
  }
  const home = mkdtempSync(join(tmpdir(), 'atelier-eval-'));
  const provider = createDiffusionProvider({ home, hfCacheDir: join(home, 'no-hf-cache') });
  const engine = await provider.load('atelier-shapes');
  const templates = loadTemplates();
  const results: SceneScore[] = [];
  const images: RawImage[] = [];
  const misses: string[] = [];
  const started = performance.now();
  try {
    for (const [i, spec] of specs.entries()) {
      const { images: [img] } = await engine.generate({
        task: 'text-to-image',
        prompt: spec.caption,
        images: [],
        width: 64,
        height: 64,
        n: 1,
        quality,
        seed: seed + i,
        partialImages: 0,
        signal: new AbortController().signal,
      });
      const r = score(spec, analyse(img, templates));
      results.push(r);
      images.push(img);
      if (Math.min(...r.colour, ...r.shape, r.position) === 0) misses.push(spec.caption);
    }
  } finally {
    await engine.dispose();
    rmSync(home, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  const summary = summarise(results, specs);
  const pct = (v: number | undefined) => (v === undefined ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`);
  console.log(`atelier-shapes on ${specs.length} held-out captions, quality ${quality} (engine: ${engine.info.id}), ` +
    `${(seconds / specs.length).toFixed(3)} s/image`);
  console.log('group      captions  colour  shape   position background count   size');
  for (const [name, row] of Object.entries(summary)) {
    console.log(`${name.padEnd(10)} ${String(row.captions).padStart(8)}  ${pct(row.colour)} ${pct(row.shape)} ` +
      `${pct(row.position)} ${pct(row.background)}    ${pct(row.count)} ${pct(row.size)}`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ quality, seconds, summary, misses }, null, 1));
  if (values.grid && images.length) await saveGrid(images, values.grid);
  const all = summary.all;
  const met = all.colour >= TARGETS.colour && all.shape >= TARGETS.shape && all.position >= TARGETS.position;
  console.log(met ? 'targets met (colour >= 90%, shape >= 80%, position >= 80%)' : 'TARGETS MISSED');
  return met ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
