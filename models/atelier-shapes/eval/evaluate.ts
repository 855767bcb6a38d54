/**
 * Evaluates the built-in model through the product's own engine: generates one image per held-out caption with
 * createDiffusionProvider -> load('atelier-shapes') -> generate, reads each image back with the detector, and
 * prints accuracy per attribute (colour, shape, position; also background, shape count, size).
 *
 *   node --import tsx models/atelier-shapes/eval/evaluate.ts [--quality medium] [--limit 360] [--seed 1]
 *        [--json out.json] [--grid grid.png] [--edits 40] [--model-dir /tmp/candidate/atelier-shapes]
 *
 * --model-dir evaluates a candidate model folder (e.g. written by `training/export.py --out`) instead of the released
 * one, still through the engine: it is linked as <home>/models/atelier-shapes, which the provider lists first.
 *
 * --edits N also checks inpainting on N two-shape scenes: generate the scene, mask the first shape, prompt a shape of
 * another kind and colour in its place, and check that the new shape is there and the other one is kept.
 *
 * Held-out captions (heldout-captions.json) describe scenes that never appear in the training data.
 * Exit code 1 when a target (colour >= 90%, shape >= 80%, position >= 80%) is missed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { createDiffusionProvider } from '../../../src/diffusion/provider.ts';
import type { EngineQuality } from '../../../src/engines/engine.ts';
import type { RawImage } from '../../../src/imaging/raw-image.ts';
import type { Engine } from '../../../src/engines/engine.ts';
import { analyse, BACKGROUNDS, COLOURS, loadTemplates, score, summarise, type SceneScore, type SceneSpec, type Templates } from './detector.ts';

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

const KINDS = ['circle', 'square', 'triangle', 'star', 'ring', 'diamond'];
const RELATION_WORDS: Record<string, string> = { above: 'above', below: 'below', left_of: 'to the left of', right_of: 'to the right of' };
/** world.py contrasts(): a shape must stand out from both ends of its background. */
function contrasts(colour: string, background: string, gradient: boolean): boolean {
  const top = BACKGROUNDS[background];
  const bottom = gradient ? top.map((v) => Math.round(v * (1 - 0.45))) : top;
  const c = COLOURS[colour];
  const dist = (p: readonly number[]) => Math.hypot(c[0] - p[0], c[1] - p[1], c[2] - p[2]);
  return Math.min(dist(top), dist(bottom)) >= 110;
}
const phrase = (colour: string, kind: string) => `${/^[aeiou]/.test(colour) ? 'an' : 'a'} ${colour} ${kind}`;

function generateOne(engine: Engine, prompt: string, seed: number, quality: EngineQuality, edit?: { image: RawImage; mask: RawImage }) {
  return engine.generate({
    task: edit ? 'inpaint' : 'text-to-image',
    prompt,
    images: edit ? [edit.image] : [],
    mask: edit?.mask,
    width: 64,
    height: 64,
    n: 1,
    quality,
    seed,
    partialImages: 0,
    signal: new AbortController().signal,
  });
}

/**
 * Inpainting check: for two-shape scenes the model drew correctly, replace the first shape (mask = its bounding box
 * plus a margin) by another kind in another colour. Success = the new shape has the asked colour and kind, the
 * relation still holds, and the unmasked shape is unchanged.
 */
async function evaluateEdits(engine: Engine, specs: SceneSpec[], count: number, quality: EngineQuality, seed: number, templates: Templates) {
  let tried = 0, replaced = 0, kept = 0, placed = 0;
  for (const [i, spec] of specs.filter((s) => s.shapes.length === 2).slice(0, count).entries()) {
    const { images: [source] } = await generateOne(engine, spec.caption, seed + 5000 + i, quality);
    const found = analyse(source, templates);
    const first = found.objects.find((o) => o.colour === spec.shapes[0].colour);
    if (!first || Math.min(...score(spec, found).colour) === 0) continue; // only edit scenes drawn right
    tried++;
    const [a, b] = spec.shapes;
    const candidates = Object.keys(COLOURS).filter((c) => c !== a.colour && c !== b.colour && contrasts(c, spec.background, spec.gradient));
    if (!candidates.length) continue;
    const colour = candidates[i % candidates.length];
    const kind = KINDS[(KINDS.indexOf(a.shape) + 1 + (i % 5)) % KINDS.length];
    const edited: SceneSpec = { ...spec, shapes: [{ ...a, colour, shape: kind }, b] };
    const bg = `on ${/^[aeiou]/.test(spec.background) ? 'an' : 'a'} ${spec.background}${spec.gradient ? ' gradient' : ''} background`;
    const prompt = `${phrase(colour, kind)} ${RELATION_WORDS[spec.relation ?? ''] ?? 'above'} ${phrase(b.colour, b.shape)} ${bg}`;
    const margin = 4;
    const half = Math.sqrt(first.area) / 2 + 8;
    const mask: RawImage = { width: 64, height: 64, channels: 4, data: new Uint8Array(64 * 64 * 4).fill(255) };
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        if (Math.abs(x + 0.5 - first.x) <= half + margin && Math.abs(y + 0.5 - first.y) <= half + margin) mask.data[(y * 64 + x) * 4 + 3] = 0;
      }
    }
    const { images: [out] } = await generateOne(engine, prompt, seed + 9000 + i, quality, { image: source, mask });
    const r = score(edited, analyse(out, templates));
    if (r.colour[0] && r.shape[0]) replaced++;
    if (r.colour[1] && r.shape[1] === score(spec, found).shape[1]) kept++;
    if (r.position) placed++;
  }
  return { scenes: tried, replaced: tried ? replaced / tried : 0, kept: tried ? kept / tried : 0, position: tried ? placed / tried : 0 };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quality: { type: 'string', default: 'medium' },
      limit: { type: 'string', default: '360' },
      seed: { type: 'string', default: '1' },
      json: { type: 'string' },
      grid: { type: 'string' },
      edits: { type: 'string', default: '0' },
      'model-dir': { type: 'string' },
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
  const modelDir = values['model-dir'] === undefined ? undefined : resolve(values['model-dir']);
  if (modelDir !== undefined && !existsSync(join(modelDir, 'model_index.json'))) {
    throw new Error(`--model-dir ${modelDir} is not a model folder (no model_index.json)`);
  }
  const home = mkdtempSync(join(tmpdir(), 'atelier-eval-'));
  if (modelDir !== undefined) {
    mkdirSync(join(home, 'models'));
    symlinkSync(modelDir, join(home, 'models', 'atelier-shapes'), 'dir');
  }
  const provider = createDiffusionProvider({ home, hfCacheDir: join(home, 'no-hf-cache') });
  const engine = await provider.load('atelier-shapes');
  const templates = loadTemplates();
  const results: SceneScore[] = [];
  const images: RawImage[] = [];
  const misses: string[] = [];
  const edits = Number.parseInt(values.edits ?? '0', 10);
  let editResult: Awaited<ReturnType<typeof evaluateEdits>> | undefined;
  let seconds = 0;
  try {
    const started = performance.now();
    for (const [i, spec] of specs.entries()) {
      const { images: [img] } = await generateOne(engine, spec.caption, seed + i, quality);
      const r = score(spec, analyse(img, templates));
      results.push(r);
      images.push(img);
      if (Math.min(...r.colour, ...r.shape, r.position) === 0) misses.push(spec.caption);
    }
    seconds = (performance.now() - started) / 1000;
    if (edits > 0) editResult = await evaluateEdits(engine, specs, edits, quality, seed, templates);
  } finally {
    await engine.dispose();
    rmSync(home, { recursive: true, force: true });
  }
  const summary = summarise(results, specs);
  const pct = (v: number | undefined) => (v === undefined ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`);
  console.log(`atelier-shapes on ${specs.length} held-out captions, quality ${quality} (engine: ${engine.info.id}${modelDir ? ` from ${modelDir}` : ''}), ` +
    `${(seconds / specs.length).toFixed(3)} s/image`);
  console.log('group      captions  colour  shape   position background count   size');
  for (const [name, row] of Object.entries(summary)) {
    console.log(`${name.padEnd(10)} ${String(row.captions).padStart(8)}  ${pct(row.colour)} ${pct(row.shape)} ` +
      `${pct(row.position)} ${pct(row.background)}    ${pct(row.count)} ${pct(row.size)}`);
  }
  if (editResult) {
    console.log(`inpainting on ${editResult.scenes} scenes: new shape right ${pct(editResult.replaced)}, ` +
      `other shape kept ${pct(editResult.kept)}, relation right ${pct(editResult.position)}`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify({ quality, seconds, summary, edits: editResult, misses }, null, 1));
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
