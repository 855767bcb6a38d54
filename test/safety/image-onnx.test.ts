// The nsfwjs model converted to ONNX: it must score like the tfjs original, cache safely, and fall back to tfjs when
// onnxruntime cannot load it. The comparisons run both real runtimes on images the tests draw.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs';
import { OnnxNsfwModel, convertNsfwjsMobileNetV2 } from '../../src/safety/image/onnx-nsfw-model.ts';
import {
  configureImageModel,
  imageModelOptionsFromEnv,
  loadImageModel,
  scorePixels,
  scorePixelsTfjs,
  MODEL_INPUT_SIZE,
  NSFW_CLASS_NAMES,
  type NsfwScores,
} from '../../src/safety/image/nsfw-model.ts';
import { kerasToOnnx, ONNX_INPUT_NAME, ONNX_OUTPUT_NAME } from '../../src/safety/image/keras-to-onnx.ts';
import { decodeWeights, kerasGraph, type LayersModelJson, type WeightSpec } from '../../src/safety/image/tfjs-weights.ts';
import { decodeOnnxModel } from '../../src/safety/image/onnx-proto.ts';
import { flat, gradient, checkerboard, circle, noise, draw } from './support/synthetic-images.ts';

const scratch = mkdtempSync(join(tmpdir(), 'atelier-image-onnx-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const S = MODEL_INPUT_SIZE;
const testImages = {
  red: flat([220, 30, 30], S),
  beige: flat([224, 172, 140], S),
  gradient: gradient(S),
  checkerboard: checkerboard(S, 28),
  circle: circle(S),
  noise: noise(S, 99),
  rings: draw(S, S, (x, y) => {
    const r = Math.hypot(x - 100, y - 120);
    return [(r * 7) & 255, 200 - ((r * 3) & 127), (x * y) & 255];
  }),
};
const vector = (s: NsfwScores) => NSFW_CLASS_NAMES.map((k) => s[k]);

let onnxModel: OnnxNsfwModel;

test('the converted graph scores like nsfwjs on TensorFlow.js: max |probability difference| < 1e-3', async () => {
  onnxModel = await OnnxNsfwModel.load({ cacheDir: join(scratch, 'agree') });
  const tops = new Set<number>();
  let worst = 0;
  for (const [name, image] of Object.entries(testImages)) {
    const onnx = Array.from(await onnxModel.classify(image.data));
    const tfjs = vector(await scorePixelsTfjs(image.data));
    const diff = Math.max(...onnx.map((p, i) => Math.abs(p - tfjs[i])));
    worst = Math.max(worst, diff);
    assert.ok(diff < 1e-3, `${name}: onnx ${onnx} vs tfjs ${tfjs} (max diff ${diff})`);
    assert.ok(Math.abs(onnx.reduce((a, b) => a + b, 0) - 1) < 1e-4, `${name}: probabilities sum to 1`);
    tops.add(onnx.indexOf(Math.max(...onnx)));
  }
  // The images must exercise the model, not all land on one saturated answer.
  assert.ok(tops.size >= 2, `all test images got the same top class`);
  // The same pixels give the same answer (no state carried between runs).
  assert.deepEqual(await onnxModel.classify(testImages.noise.data), await onnxModel.classify(testImages.noise.data));
  console.log(`# worst onnx vs tfjs difference over ${Object.keys(testImages).length} images: ${worst.toExponential(2)}`);
});

test('the cached graph is reused, and a modified cache file is rebuilt rather than trusted', async () => {
  const dir = join(scratch, 'cache');
  await (await OnnxNsfwModel.load({ cacheDir: dir })).release();
  const file = readdirSync(dir).find((f) => f.endsWith('.onnx'));
  assert.ok(file, 'the converted model is written to the cache directory');
  const path = join(dir, file);
  const digest = readFileSync(`${path}.sha256`, 'utf8').trim();
  assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), digest);
  assert.equal(statSync(path).mode & 0o077, 0, 'cache file is private to the owner');
  const written = statSync(path).mtimeMs;

  await (await OnnxNsfwModel.load({ cacheDir: dir })).release();
  assert.equal(statSync(path).mtimeMs, written, 'a valid cache file is read, not rewritten');

  // Someone edits the graph (e.g. to make everything score "Neutral"): the digest no longer matches, so it is rebuilt.
  writeFileSync(path, Buffer.from('not an onnx model'));
  const rebuilt = await OnnxNsfwModel.load({ cacheDir: dir });
  assert.equal(createHash('sha256').update(readFileSync(path)).digest('hex'), digest);
  assert.deepEqual(await rebuilt.classify(testImages.circle.data), await onnxModel.classify(testImages.circle.data));
  await rebuilt.release();
});

test('auto falls back to TensorFlow.js when onnxruntime cannot load the graph; onnxruntime-only then fails', async () => {
  const dir = join(scratch, 'broken');
  const { key } = await convertNsfwjsMobileNetV2();
  const path = join(dir, `nsfwjs-mobilenet_v2-${key.slice(0, 16)}.onnx`);
  const garbage = Buffer.from('this is not a protobuf model');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(path, garbage);
  writeFileSync(`${path}.sha256`, createHash('sha256').update(garbage).digest('hex')); // "valid" cache entry ORT rejects

  const warn = console.warn;
  console.warn = () => undefined;
  try {
    configureImageModel({ runtime: 'auto', cacheDir: dir });
    const info = await loadImageModel();
    assert.equal(info.runtime, 'tfjs-wasm');
    assert.ok(info.fallbackReason && info.fallbackReason.length > 0);
    const fallback = vector(await scorePixels(testImages.rings.data));
    const onnx = Array.from(await onnxModel.classify(testImages.rings.data));
    assert.ok(Math.max(...fallback.map((p, i) => Math.abs(p - onnx[i]))) < 1e-3);

    configureImageModel({ runtime: 'onnxruntime', cacheDir: dir });
    await assert.rejects(loadImageModel());
    configureImageModel({ runtime: 'onnxruntime', cacheDir: null }); // in-memory conversion, no cache
    assert.deepEqual(await loadImageModel(), { runtime: 'onnxruntime' });
  } finally {
    console.warn = warn;
    configureImageModel({ runtime: 'onnxruntime', cacheDir: join(scratch, 'agree') });
  }
});

test('runtime settings from the environment are validated with the variable named', () => {
  assert.deepEqual(imageModelOptionsFromEnv({}), { runtime: 'auto', threads: undefined });
  assert.deepEqual(imageModelOptionsFromEnv({ ATELIER_IMAGE_MODEL_RUNTIME: 'tfjs-wasm', ATELIER_IMAGE_MODEL_THREADS: '2' }), {
    runtime: 'tfjs-wasm',
    threads: 2,
  });
  assert.throws(() => imageModelOptionsFromEnv({ ATELIER_IMAGE_MODEL_RUNTIME: 'gpu' }), /ATELIER_IMAGE_MODEL_RUNTIME/);
  assert.throws(() => imageModelOptionsFromEnv({ ATELIER_IMAGE_MODEL_THREADS: '0' }), /ATELIER_IMAGE_MODEL_THREADS/);
  assert.throws(() => imageModelOptionsFromEnv({ ATELIER_IMAGE_MODEL_THREADS: 'two' }), /ATELIER_IMAGE_MODEL_THREADS/);
});

/** Saves a tfjs model in memory, as model.json + weight bytes. */
async function saveInMemory(model: tf.LayersModel): Promise<{ json: LayersModelJson; weights: Uint8Array }> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  assert.ok(saved?.weightSpecs && saved.weightData);
  const data = Array.isArray(saved.weightData) ? tf.io.concatenateArrayBuffers(saved.weightData) : saved.weightData;
  const json = { modelTopology: saved.modelTopology, weightsManifest: [{ paths: [], weights: saved.weightSpecs }] };
  return { json: json as unknown as LayersModelJson, weights: new Uint8Array(data) };
}

test('the converter handles the layer options nsfwjs does not use: odd sizes, stride-2 "same", depth multiplier, bias', async () => {
  // A small functional model with every supported layer type, random weights, and awkward shapes.
  const input = tf.input({ shape: [9, 10, 3], name: 'img' });
  const padded = tf.layers.zeroPadding2d({ padding: [[1, 0], [0, 1]], name: 'pad' }).apply(input) as tf.SymbolicTensor;
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu', name: 'conv' }).apply(padded);
  const dw = tf.layers
    .depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2, useBias: true, name: 'dw' })
    .apply(conv) as tf.SymbolicTensor;
  const bn = tf.layers.batchNormalization({ epsilon: 0.01, name: 'bn' }).apply(dw) as tf.SymbolicTensor;
  const r6 = tf.layers.reLU({ maxValue: 6, name: 'r6' }).apply(bn) as tf.SymbolicTensor;
  const proj = tf.layers.conv2d({ filters: 8, kernelSize: 1, padding: 'same', useBias: false, name: 'proj' }).apply(r6) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: 'sum' }).apply([r6, proj]) as tf.SymbolicTensor;
  const pooled = tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'valid', name: 'pool' }).apply(sum);
  const flatOut = tf.layers.flatten({ name: 'flat' }).apply(pooled);
  const hidden = tf.layers.dense({ units: 6, activation: 'relu', name: 'hidden' }).apply(flatOut);
  const dropped = tf.layers.dropout({ rate: 0.5, name: 'drop' }).apply(hidden);
  const probs = tf.layers.dense({ units: 3, activation: 'softmax', name: 'probs' }).apply(dropped) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: probs });
  let seed = 1;
  for (const layer of model.layers) {
    layer.setWeights(
      layer.getWeights().map((w) => {
        const positive = layer.name === 'bn' && w.shape.length === 1 && layer.getWeights().indexOf(w) === 3; // moving variance
        return positive ? tf.randomUniform(w.shape, 0.5, 1.5, 'float32', seed++) : tf.randomNormal(w.shape, 0, 0.5, 'float32', seed++);
      }),
    );
  }

  const { json, weights } = await saveInMemory(model);
  const specs: WeightSpec[] = json.weightsManifest[0].weights;
  const onnx = kerasToOnnx(kerasGraph(json.modelTopology), decodeWeights(specs, weights), { source: 'test', pixelScale: 255 });
  const decoded = decodeOnnxModel(onnx) as { graph: { node: Array<{ op_type: string }> } };
  assert.ok(!decoded.graph.node.some((n) => n.op_type === 'Pad'), 'the padding folds into the following valid convolution');

  const session = await ort.InferenceSession.create(onnx);
  try {
    for (let trial = 0; trial < 3; trial++) {
      const pixels = Uint8Array.from({ length: 2 * 9 * 10 * 3 }, (_, i) => (i * (37 + trial * 11) + trial) & 255);
      const expected = tf.tidy(() => (model.predict(tf.tensor4d(pixels, [2, 9, 10, 3], 'float32').div(255)) as tf.Tensor).dataSync());
      const got = (await session.run({ [ONNX_INPUT_NAME]: new ort.Tensor('uint8', pixels, [2, 9, 10, 3]) }))[ONNX_OUTPUT_NAME].data;
      assert.equal(got.length, expected.length);
      const diff = Math.max(...Array.from(expected, (e, i) => Math.abs(e - Number(got[i]))));
      assert.ok(diff < 1e-5, `trial ${trial}: max diff ${diff}`);
    }
  } finally {
    await session.release();
    model.dispose();
  }
});

test('weights are dequantised with tfjs\'s rule, and what the converter does not support is refused', () => {
  const specs: WeightSpec[] = [
    { name: 'a', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', min: -1, scale: 0.5 } },
    { name: 'b', shape: [1], dtype: 'float32' },
  ];
  const bytes = new Uint8Array(4 + 4);
  bytes.set([0, 1, 2, 255]);
  new DataView(bytes.buffer).setFloat32(4, 1.25, true);
  const w = decodeWeights(specs, bytes);
  assert.deepEqual(Array.from(w.get('a')!.values), [-1, -0.5, 0, 126.5]);
  assert.deepEqual(w.get('b'), { shape: [1], values: Float32Array.of(1.25) });
  assert.throws(() => decodeWeights(specs, bytes.subarray(0, 6)), /too short/);
  assert.throws(() => decodeWeights(specs, new Uint8Array(9)), /trailing/);
  assert.throws(() => decodeWeights([{ name: 'c', shape: [1], dtype: 'int32' }], new Uint8Array(4)), /unsupported dtype/);
  assert.throws(() => decodeWeights([{ name: 'd', shape: [1], dtype: 'float32', quantization: { dtype: 'float16' } }], new Uint8Array(2)), /quantization/);

  const graph = {
    layers: [
      { name: 'in', class_name: 'InputLayer', config: { batch_input_shape: [null, 4, 4, 3] }, inbound_nodes: [] },
      { name: 'lstm', class_name: 'LSTM', config: {}, inbound_nodes: [[['in', 0, 0, {}]]] },
    ],
    input_layers: [['in', 0, 0]],
    output_layers: [['lstm', 0, 0]],
  } as unknown as ReturnType<typeof kerasGraph>;
  assert.throws(() => kerasToOnnx(graph, new Map(), { source: 't', pixelScale: 255 }), /unsupported layer type LSTM/);
  assert.throws(() => kerasGraph({ class_name: 'Sequential', config: graph }), /functional/);
});

after(async () => {
  await onnxModel?.release();
});
