/**
 * The image model the moderator scores with: nsfwjs's MobileNetV2, run on onnxruntime (the bundled weights converted
 * to ONNX at first use, ~8 ms per image) and falling back to TensorFlow.js's WebAssembly backend (~90 ms) when
 * onnxruntime cannot load. Both run the same weights and agree to within 1e-6 (test/safety/image-onnx.test.ts).
 * Loaded once, lazily or through `loadImageModel()`, and shared by every request.
 *
 * Operators can choose the runtime with ATELIER_IMAGE_MODEL_RUNTIME=auto|onnxruntime|tfjs-wasm (default auto) and
 * onnxruntime's threads with ATELIER_IMAGE_MODEL_THREADS (default 1).
 */
import { join } from 'node:path';
import { atelierHome } from '../../config/config.ts';
import { OnnxNsfwModel } from './onnx-nsfw-model.ts';
import { scorePixelsTfjs, nsfwModel } from './tfjs-nsfw-model.ts';
import { checkModelInput, scoresFromVector, type NsfwScores } from './nsfw-classes.ts';
import { ScoreCache } from './score-cache.ts';

export { MODEL_INPUT_SIZE, NSFW_CLASS_NAMES, type NsfwScores } from './nsfw-classes.ts';
export { nsfwModel, scorePixelsTfjs } from './tfjs-nsfw-model.ts';

export type ImageModelRuntime = 'onnxruntime' | 'tfjs-wasm';

export interface ImageModelOptions {
  /** 'auto' (default): onnxruntime, else tfjs. Naming a runtime makes a failure to load it an error. */
  runtime?: 'auto' | ImageModelRuntime;
  /** Where the converted ONNX graph is cached; default `$ATELIER_HOME/cache`; null: convert in memory each start. */
  cacheDir?: string | null;
  /** onnxruntime intra-op threads. 1 by default: on a shared 2-core host a second thread costs more than it gains. */
  threads?: number;
}

export interface ImageModelInfo {
  runtime: ImageModelRuntime;
  /** Why onnxruntime is not in use, when 'auto' fell back to tfjs. */
  fallbackReason?: string;
}

interface Scorer {
  info: ImageModelInfo;
  score(rgb224: Uint8Array): Promise<NsfwScores>;
  release?: () => Promise<void>;
}

const RUNTIMES = ['auto', 'onnxruntime', 'tfjs-wasm'] as const;

/** Options from ATELIER_IMAGE_MODEL_RUNTIME and ATELIER_IMAGE_MODEL_THREADS; bad values throw with the variable's name. */
export function imageModelOptionsFromEnv(env: NodeJS.ProcessEnv): ImageModelOptions {
  const runtime = env.ATELIER_IMAGE_MODEL_RUNTIME?.trim() || 'auto';
  if (!(RUNTIMES as readonly string[]).includes(runtime)) {
    throw new Error(`ATELIER_IMAGE_MODEL_RUNTIME must be one of ${RUNTIMES.join(', ')}, got '${runtime}'`);
  }
  const threadsText = env.ATELIER_IMAGE_MODEL_THREADS?.trim();
  const threads = threadsText ? Number(threadsText) : undefined;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 64)) {
    throw new Error(`ATELIER_IMAGE_MODEL_THREADS must be an integer from 1 to 64, got '${threadsText}'`);
  }
  return { runtime: runtime as ImageModelOptions['runtime'], threads };
}

let configured: ImageModelOptions | null = null;
let active: Promise<Scorer> | null = null;
const cache = new ScoreCache(64);

/**
 * Sets how the model loads (before first use; later calls drop the loaded model so the next use reloads).
 * Without it the options come from the environment.
 */
export function configureImageModel(opts: ImageModelOptions): void {
  if (opts.threads !== undefined && !(Number.isInteger(opts.threads) && opts.threads >= 1 && opts.threads <= 64)) {
    throw new RangeError(`image model threads must be an integer from 1 to 64, got ${opts.threads}`);
  }
  configured = { ...opts };
  const previous = active;
  active = null;
  cache.clear();
  void previous?.then((s) => s.release?.()).catch(() => undefined);
}

async function loadScorer(): Promise<Scorer> {
  const opts = configured ?? imageModelOptionsFromEnv(process.env);
  const runtime = opts.runtime ?? 'auto';
  let fallbackReason: string | undefined;
  if (runtime !== 'tfjs-wasm') {
    try {
      const cacheDir = opts.cacheDir === undefined ? join(atelierHome(), 'cache') : opts.cacheDir;
      const model = await OnnxNsfwModel.load({ cacheDir, threads: opts.threads });
      return {
        info: { runtime: 'onnxruntime' },
        score: async (rgb) => scoresFromVector(await model.classify(rgb)),
        release: () => model.release(),
      };
    } catch (err) {
      if (runtime === 'onnxruntime') throw err;
      fallbackReason = (err as Error).message;
      console.warn(`atelier moderation: onnxruntime image model unavailable (${fallbackReason}); using TensorFlow.js (slower)`);
    }
  }
  await nsfwModel();
  return { info: { runtime: 'tfjs-wasm', ...(fallbackReason ? { fallbackReason } : {}) }, score: scorePixelsTfjs };
}

function scorer(): Promise<Scorer> {
  if (!active) {
    const loading = loadScorer();
    active = loading;
    // A failed load is retried on the next call, not cached.
    loading.catch(() => {
      if (active === loading) active = null;
    });
  }
  return active;
}

/** Loads the image model now (servers: avoids a slow first request) and says which runtime it uses. */
export async function loadImageModel(): Promise<ImageModelInfo> {
  return { ...(await scorer()).info };
}

/**
 * Scores 224x224 RGB pixels. The model sees exactly these pixels: callers resize first (sharp is faster than either
 * runtime at turning a 1024x1024 image into 224x224). Pixels scored recently are answered from the cache.
 */
export async function scorePixels(rgb224: Uint8Array): Promise<NsfwScores> {
  checkModelInput(rgb224);
  const s = await scorer();
  const key = ScoreCache.key(s.info.runtime, rgb224);
  const cached = cache.get(key);
  if (cached) return cached;
  const scores = await s.score(rgb224);
  cache.set(key, scores);
  return scores;
}

/** Inferences run and answers served from the score cache since the model was (re)configured. */
export function imageModelStats(): { inferences: number; cacheHits: number } {
  return { inferences: cache.misses, cacheHits: cache.hits };
}
