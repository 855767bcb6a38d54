/**
 * The image model: nsfwjs's MobileNetV2 (weights bundled in the npm package, so it works offline) on TensorFlow.js
 * with the WebAssembly backend (about 25x faster than tfjs's pure-JS CPU backend; tfjs-node needs a download).
 * Loaded once, lazily, on first use and shared by every request.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { NSFWJS } from 'nsfwjs';

/** The model's five classes, as probabilities summing to 1. */
export interface NsfwScores {
  Drawing: number;
  Hentai: number;
  Neutral: number;
  Porn: number;
  Sexy: number;
}

/** MobileNetV2's input side; images are resized to it before inference. */
export const MODEL_INPUT_SIZE = 224;

let loading: Promise<NSFWJS> | null = null;

function wasmDir(): string {
  // Resolve from this package's own node_modules, whatever the process's working directory is.
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

async function load(): Promise<NSFWJS> {
  setWasmPaths(wasmDir());
  if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js wasm backend failed to initialise');
  await tf.ready();
  tf.enableProdMode();
  const { load: loadNsfw } = await import('nsfwjs');
  // nsfwjs announces the model it loads on console.info; keep the server's output to its own logs.
  const info = console.info;
  console.info = () => undefined;
  try {
    return await loadNsfw('MobileNetV2');
  } finally {
    console.info = info;
  }
}

/** The shared model, loading it on first call. A failed load is retried on the next call, not cached. */
export function nsfwModel(): Promise<NSFWJS> {
  if (!loading) {
    loading = load().catch((err: unknown) => {
      loading = null;
      throw err;
    });
  }
  return loading;
}

/**
 * Scores 224x224 RGB pixels. The model sees exactly these pixels: callers resize first (sharp is faster than tfjs
 * at turning a 1024x1024 image into 224x224).
 */
export async function scorePixels(rgb224: Uint8Array): Promise<NsfwScores> {
  if (rgb224.length !== MODEL_INPUT_SIZE * MODEL_INPUT_SIZE * 3) {
    throw new RangeError(`expected ${MODEL_INPUT_SIZE}x${MODEL_INPUT_SIZE} RGB pixels, got ${rgb224.length} bytes`);
  }
  const model = await nsfwModel();
  const input = tf.tensor3d(rgb224, [MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, 3], 'int32');
  try {
    const predictions = await model.classify(input, 5);
    const scores: NsfwScores = { Drawing: 0, Hentai: 0, Neutral: 0, Porn: 0, Sexy: 0 };
    for (const p of predictions) {
      const name = String(p.className);
      if (name in scores) scores[name as keyof NsfwScores] = Number(p.probability);
    }
    return scores;
  } finally {
    input.dispose();
  }
}
