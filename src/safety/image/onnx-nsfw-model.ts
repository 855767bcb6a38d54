/**
 * nsfwjs's MobileNetV2 on onnxruntime: the very weights the npm package ships, converted to ONNX in-process at first
 * use (keras-to-onnx.ts) and cached under the Atelier home, so nothing large is committed and no Python is needed.
 * onnxruntime's CPU kernels run this network several times faster than tfjs's WebAssembly backend.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import ort from 'onnxruntime-node';
import { kerasToOnnx, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from './keras-to-onnx.ts';
import { decodeWeights, kerasGraph, type LayersModelJson } from './tfjs-weights.ts';
import { MODEL_INPUT_SIZE, NSFW_CLASS_NAMES, checkModelInput } from './nsfw-classes.ts';

/** Bump when the converter's output changes, so stale cached graphs are rebuilt. */
const CONVERTER_VERSION = 1;

interface NsfwjsModelDefinition {
  modelJson: () => Promise<{ default: unknown }>;
  weightBundles: Array<() => Promise<{ default: unknown }>>;
}

function nsfwjsVersion(): string {
  // nsfwjs's exports map hides package.json; its entry point is dist/cjs/index.js.
  const require = createRequire(import.meta.url);
  const pkg = join(dirname(require.resolve('nsfwjs')), '..', '..', 'package.json');
  return String((require(pkg) as { version: unknown }).version);
}

/** The model.json and weight bytes bundled in the nsfwjs package (its own loader reads the same files). */
export async function readNsfwjsMobileNetV2(): Promise<{ json: LayersModelJson; weights: Uint8Array; source: string }> {
  const { MobileNetV2Model } = (await import('nsfwjs/models/mobilenet_v2')) as { MobileNetV2Model: NsfwjsModelDefinition };
  const json = (await MobileNetV2Model.modelJson()).default as LayersModelJson;
  if (MobileNetV2Model.weightBundles.length !== 1) throw new Error('nsfwjs MobileNetV2: expected one weight bundle');
  const base64 = (await MobileNetV2Model.weightBundles[0]()).default;
  if (typeof base64 !== 'string' || !json?.modelTopology) throw new Error('nsfwjs MobileNetV2: unexpected package layout');
  return { json, weights: Buffer.from(base64, 'base64'), source: `nsfwjs@${nsfwjsVersion()} MobileNetV2` };
}

/** Converts the bundled model; pure CPU work (about a second on a loaded 2-core machine). */
export async function convertNsfwjsMobileNetV2(
  model?: Awaited<ReturnType<typeof readNsfwjsMobileNetV2>>,
): Promise<{ onnx: Uint8Array; key: string }> {
  const { json, weights, source } = model ?? (await readNsfwjsMobileNetV2());
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const onnx = kerasToOnnx(kerasGraph(json.modelTopology), decodeWeights(specs, weights), { source, pixelScale: 255 });
  return { onnx, key: cacheKey(json, weights) };
}

function cacheKey(json: LayersModelJson, weights: Uint8Array): string {
  return createHash('sha256').update(`converter v${CONVERTER_VERSION}\n`).update(JSON.stringify(json)).update(weights).digest('hex');
}

export interface OnnxNsfwOptions {
  /** Directory for the converted graph; null converts in memory at every start. */
  cacheDir: string | null;
  /** onnxruntime intra-op threads (default 1: see docs/moderation.md, "Measured cost"). */
  threads?: number;
}

/**
 * The converted graph, from the cache when present. The cache file's name is the SHA-256 of the source model and
 * converter version, and its content is checked against a recorded digest, so an edited or truncated file is
 * rebuilt rather than trusted.
 */
async function convertedModel(cacheDir: string | null): Promise<Uint8Array> {
  if (cacheDir === null) return (await convertNsfwjsMobileNetV2()).onnx;
  const model = await readNsfwjsMobileNetV2();
  const key = cacheKey(model.json, model.weights);
  const path = join(cacheDir, `nsfwjs-mobilenet_v2-${key.slice(0, 16)}.onnx`);
  const digestPath = `${path}.sha256`;
  try {
    const [bytes, digest] = await Promise.all([readFile(path), readFile(digestPath, 'utf8')]);
    if (createHash('sha256').update(bytes).digest('hex') === digest.trim()) return bytes;
  } catch {
    // not cached yet (or unreadable): convert below
  }
  const { onnx } = await convertNsfwjsMobileNetV2(model);
  try {
    await mkdir(cacheDir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, onnx, { mode: 0o600 });
    await writeFile(digestPath, createHash('sha256').update(onnx).digest('hex') + '\n', { mode: 0o600 });
    await rename(tmp, path); // atomic: a concurrent reader sees the old file or the whole new one
  } catch (err) {
    // A read-only home only costs the conversion at each start; moderation keeps working.
    console.warn(`atelier moderation: could not cache the converted image model in ${cacheDir}: ${(err as Error).message}`);
    await unlink(`${path}.${process.pid}.tmp`).catch(() => undefined);
  }
  return onnx;
}

export class OnnxNsfwModel {
  private constructor(private readonly session: ort.InferenceSession, readonly size: number) {}

  static async load(opts: OnnxNsfwOptions): Promise<OnnxNsfwModel> {
    const bytes = await convertedModel(opts.cacheDir);
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: opts.threads ?? 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      logSeverityLevel: 3,
    });
    const model = new OnnxNsfwModel(session, MODEL_INPUT_SIZE);
    // Warm-up, as nsfwjs does at load: the first run plans memory and picks kernels.
    await model.classify(new Uint8Array(model.size * model.size * 3));
    return model;
  }

  /** Class probabilities (NSFW_CLASS_NAMES order) for size x size RGB pixels. */
  async classify(rgb: Uint8Array): Promise<Float32Array> {
    checkModelInput(rgb);
    const input = new ort.Tensor('uint8', rgb, [1, this.size, this.size, 3]);
    const result = await this.session.run({ [ONNX_INPUT_NAME]: input });
    const out = result[ONNX_OUTPUT_NAME];
    try {
      const data = out.data;
      if (!(data instanceof Float32Array) || data.length !== NSFW_CLASS_NAMES.length) throw new Error('unexpected model output');
      return Float32Array.from(data);
    } finally {
      out.dispose();
    }
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
