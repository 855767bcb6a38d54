/**
 * The reference runtime: nsfwjs's MobileNetV2 (weights bundled in the npm package, so it works offline) on
 * TensorFlow.js with the WebAssembly SIMD backend. Atelier scores with onnxruntime (onnx-nsfw-model.ts) and keeps this
 * as the fallback when onnxruntime cannot load, and as the yardstick the converted graph is tested against.
 * tfjs's multi-threaded wasm build does not run in Node 20 (it starts its workers from blob: URLs, which Node's
 * Worker refuses), so this path is single-threaded.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as Tf from '@tensorflow/tfjs';
import type { NSFWJS } from 'nsfwjs';
import { MODEL_INPUT_SIZE, checkModelInput, scoresFromVector, type NsfwScores } from './nsfw-classes.ts';

interface Loaded {
  tf: typeof Tf;
  model: NSFWJS;
}

// tfjs is imported only when this fallback is used: importing it costs ~0.7 s and ~50 MB at every start otherwise.
let loading: Promise<Loaded> | null = null;

function wasmDir(): string {
  // Resolve from this package's own node_modules, whatever the process's working directory is.
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
}

async function load(): Promise<Loaded> {
  const tf = await import('@tensorflow/tfjs');
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(wasmDir());
  if (!(await tf.setBackend('wasm'))) throw new Error('TensorFlow.js wasm backend failed to initialise');
  await tf.ready();
  tf.enableProdMode();
  const { load: loadNsfw } = await import('nsfwjs');
  // nsfwjs announces the model it loads on console.info; keep the server's output to its own logs.
  const info = console.info;
  console.info = () => undefined;
  try {
    return { tf, model: await loadNsfw('MobileNetV2') }; // nsfwjs's load also runs one warm-up prediction
  } finally {
    console.info = info;
  }
}

function loaded(): Promise<Loaded> {
  if (!loading) {
    loading = load().catch((err: unknown) => {
      loading = null;
      throw err;
    });
  }
  return loading;
}

/** The shared tfjs model, loading it on first call. A failed load is retried on the next call, not cached. */
export async function nsfwModel(): Promise<NSFWJS> {
  return (await loaded()).model;
}

/** Scores 224x224 RGB pixels on tfjs. Every tensor made here is disposed (see the leak test). */
export async function scorePixelsTfjs(rgb224: Uint8Array): Promise<NsfwScores> {
  checkModelInput(rgb224);
  const { tf, model } = await loaded();
  const probabilities = tf.tidy(() => {
    const input = tf.tensor3d(rgb224, [MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, 3], 'int32');
    return model.infer(input);
  });
  try {
    return scoresFromVector(await probabilities.data());
  } finally {
    probabilities.dispose();
  }
}
