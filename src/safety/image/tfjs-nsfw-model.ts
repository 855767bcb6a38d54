/**
 * The reference runtime: nsfwjs's MobileNetV2 (weights bundled in the npm package, so it works offline) on
 * TensorFlow.js with the WebAssembly SIMD backend. Atelier scores with onnxruntime (onnx-nsfw-model.ts) and keeps this
 * as the fallback when onnxruntime cannot load, and as the yardstick the converted graph is tested against.
 * tfjs's multi-threaded wasm build does not run in Node 20 (it starts its workers from blob: URLs, which Node's
 * Worker refuses), so this path is single-threaded.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { NSFWJS } from 'nsfwjs';
import { MODEL_INPUT_SIZE, checkModelInput, scoresFromVector, type NsfwScores } from './nsfw-classes.ts';

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
    return await loadNsfw('MobileNetV2'); // also runs one warm-up prediction
  } finally {
    console.info = info;
  }
}

/** The shared tfjs model, loading it on first call. A failed load is retried on the next call, not cached. */
export function nsfwModel(): Promise<NSFWJS> {
  if (!loading) {
    loading = load().catch((err: unknown) => {
      loading = null;
      throw err;
    });
  }
  return loading;
}

/** Scores 224x224 RGB pixels on tfjs. Every tensor made here is disposed (see the leak test). */
export async function scorePixelsTfjs(rgb224: Uint8Array): Promise<NsfwScores> {
  checkModelInput(rgb224);
  const model = await nsfwModel();
  const probabilities = tf.tidy(() => {
    const input = tf.tensor3d(rgb224, [MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, 3], 'int32');
    return model.infer(input) as tf.Tensor;
  });
  try {
    return scoresFromVector(await probabilities.data());
  } finally {
    probabilities.dispose();
  }
}
