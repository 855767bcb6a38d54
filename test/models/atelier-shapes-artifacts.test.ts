/**
 * The built-in model's committed artifacts: the diffusers ONNX layout the engine expects, tensor names, types and
 * shapes read back from onnxruntime-node session metadata, a tiny forward pass through each network, and the size
 * budget. python3-onnx is not available in CI, so everything is checked from TypeScript.
 */
import { strict as assert } from 'node:assert';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

const MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'atelier-shapes');
const NETWORKS = ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder'] as const;
const MAX_TOTAL_BYTES = 30 * 1024 * 1024;
/** 64x64 images <-> 8x8x8 latents (nets.py: LATENT_SIZE, LATENT_CHANNELS). */
const LATENT = 8;
const LATENT_CHANNELS = 8;

function readJson(rel: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(MODEL_DIR, rel), 'utf8')) as Record<string, unknown>;
}

function tensorMeta(list: readonly ort.InferenceSession.ValueMetadata[], name: string): { type: string; shape: readonly (number | string)[] } {
  const meta = list.find((m) => m.name === name);
  assert.ok(meta, `missing tensor ${name}; have ${list.map((m) => m.name).join(', ')}`);
  assert.ok(meta.isTensor, `${name} is not a tensor`);
  return { type: meta.type, shape: meta.shape };
}

async function session(network: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(join(MODEL_DIR, network, 'model.onnx'), { intraOpNumThreads: 1 });
}

test('the folder has the diffusers ONNX layout and fits the 30 MB budget', () => {
  const files = [
    'model_index.json',
    'atelier.json',
    'scheduler/scheduler_config.json',
    'tokenizer/vocab.json',
    'tokenizer/merges.txt',
    'tokenizer/special_tokens_map.json',
    'tokenizer/tokenizer_config.json',
    ...NETWORKS.flatMap((n) => [`${n}/model.onnx`, `${n}/config.json`]),
  ];
  let total = 0;
  for (const f of files) total += statSync(join(MODEL_DIR, f)).size;
  assert.ok(total <= MAX_TOTAL_BYTES, `artifacts take ${total} bytes`);
  const index = readJson('model_index.json');
  assert.equal(index._class_name, 'OnnxStableDiffusionPipeline');
  assert.deepEqual(index.scheduler, ['diffusers', 'EulerDiscreteScheduler']);
});

test('scheduler, VAE, UNet and atelier.json configs say what the engine needs', () => {
  const sched = readJson('scheduler/scheduler_config.json');
  assert.equal(sched.num_train_timesteps, 1000);
  assert.equal(sched.beta_schedule, 'scaled_linear');
  assert.equal(sched.beta_start, 0.00085);
  assert.equal(sched.beta_end, 0.012);
  assert.equal(sched.prediction_type, 'v_prediction');
  assert.ok(['trailing', 'leading'].includes(String(sched.timestep_spacing)));
  const vae = readJson('vae_decoder/config.json');
  assert.equal(vae.latent_channels, LATENT_CHANNELS);
  assert.equal((vae.block_out_channels as number[]).length, 4, 'scale factor 8 = 2 ** (4 - 1), as in SD');
  assert.ok(typeof vae.scaling_factor === 'number' && vae.scaling_factor > 0);
  assert.deepEqual(readJson('vae_encoder/config.json'), vae);
  const unet = readJson('unet/config.json');
  assert.equal(unet.sample_size, LATENT);
  assert.equal(unet.in_channels, LATENT_CHANNELS);
  assert.equal(unet.out_channels, LATENT_CHANNELS);
  assert.equal(unet.cross_attention_dim, readJson('text_encoder/config.json').hidden_size);
  const atelier = readJson('atelier.json');
  assert.equal(atelier.id, 'atelier-shapes');
  assert.equal(atelier.native_size, 64);
  assert.ok(typeof atelier.guidance_scale === 'number' && atelier.guidance_scale > 1);
  const quality = atelier.quality as Record<string, { steps: number }>;
  for (const level of ['low', 'medium', 'high']) assert.ok(Number.isInteger(quality[level]?.steps) && quality[level].steps >= 1);
  assert.ok(quality.low.steps <= quality.medium.steps && quality.medium.steps <= quality.high.steps);
});

test('the tokenizer is CLIP-format with one token per grammar word', () => {
  const vocab = JSON.parse(readFileSync(join(MODEL_DIR, 'tokenizer/vocab.json'), 'utf8')) as Record<string, number>;
  const merges = readFileSync(join(MODEL_DIR, 'tokenizer/merges.txt'), 'utf8').split('\n');
  assert.match(merges[0] ?? '', /^#version/);
  assert.equal(vocab['<|endoftext|>'], Object.keys(vocab).length - 1);
  assert.equal(vocab['<|startoftext|>'], Object.keys(vocab).length - 2);
  for (const word of ['red', 'circle', 'left', 'above', 'gradient', 'background', 'star', 'ring']) {
    assert.ok(Number.isInteger(vocab[`${word}</w>`]), `${word}</w> missing`);
  }
  assert.ok(Number.isInteger(vocab['z</w>']) && Number.isInteger(vocab.z), 'byte fallback tokens for unknown words');
  const config = readJson('tokenizer/tokenizer_config.json');
  assert.equal(config.model_max_length, 77);
});

test('tensor names, types and shapes match the diffusers ONNX contract', async () => {
  const hidden = readJson('text_encoder/config.json').hidden_size as number;
  const te = await session('text_encoder');
  assert.deepEqual(tensorMeta(te.inputMetadata, 'input_ids'), { type: 'int32', shape: ['batch', 'sequence'] });
  assert.deepEqual(tensorMeta(te.outputMetadata, 'last_hidden_state'), { type: 'float32', shape: ['batch', 'sequence', hidden] });
  const unet = await session('unet');
  assert.deepEqual(tensorMeta(unet.inputMetadata, 'sample'), { type: 'float32', shape: ['batch', LATENT_CHANNELS, 'height', 'width'] });
  assert.deepEqual(tensorMeta(unet.inputMetadata, 'timestep'), { type: 'float32', shape: ['batch'] });
  assert.deepEqual(tensorMeta(unet.inputMetadata, 'encoder_hidden_states'), { type: 'float32', shape: ['batch', 'sequence', hidden] });
  assert.deepEqual(tensorMeta(unet.outputMetadata, 'out_sample'), { type: 'float32', shape: ['batch', LATENT_CHANNELS, 'height', 'width'] });
  const dec = await session('vae_decoder');
  assert.deepEqual(tensorMeta(dec.inputMetadata, 'latent_sample'), { type: 'float32', shape: ['batch', LATENT_CHANNELS, 'height', 'width'] });
  assert.deepEqual(tensorMeta(dec.outputMetadata, 'sample'), { type: 'float32', shape: ['batch', 3, 'height', 'width'] });
  const enc = await session('vae_encoder');
  assert.deepEqual(tensorMeta(enc.inputMetadata, 'sample'), { type: 'float32', shape: ['batch', 3, 'height', 'width'] });
  assert.deepEqual(tensorMeta(enc.outputMetadata, 'latent_sample'), { type: 'float32', shape: ['batch', LATENT_CHANNELS, 'height', 'width'] });
  await Promise.all([te.release(), unet.release(), dec.release(), enc.release()]);
});

test('each network runs once with the shapes the pipeline uses', async () => {
  const C = LATENT_CHANNELS;
  const vocab = JSON.parse(readFileSync(join(MODEL_DIR, 'tokenizer/vocab.json'), 'utf8')) as Record<string, number>;
  const bos = vocab['<|startoftext|>'] as number;
  const eos = vocab['<|endoftext|>'] as number;
  const ids = new Int32Array(77).fill(eos);
  ids[0] = bos;
  ids[1] = vocab['red</w>'] as number;
  ids[2] = vocab['circle</w>'] as number;
  const te = await session('text_encoder');
  const states = (await te.run({ input_ids: new ort.Tensor('int32', ids, [1, 77]) })).last_hidden_state;
  assert.ok(states);
  const hidden = states.dims[2] as number;
  assert.deepEqual(states.dims, [1, 77, hidden]);

  const unet = await session('unet');
  const latents = new ort.Tensor('float32', new Float32Array(2 * C * LATENT * LATENT).fill(0.1), [2, C, LATENT, LATENT]);
  const ctx = new Float32Array(2 * 77 * hidden);
  ctx.set(states.data as Float32Array);
  const eps = (await unet.run({
    sample: latents,
    timestep: new ort.Tensor('float32', new Float32Array([999, 999]), [2]),
    encoder_hidden_states: new ort.Tensor('float32', ctx, [2, 77, hidden]),
  })).out_sample;
  assert.ok(eps);
  assert.deepEqual(eps.dims, [2, C, LATENT, LATENT]);
  assert.ok((eps.data as Float32Array).every(Number.isFinite));

  const dec = await session('vae_decoder');
  const img = (await dec.run({ latent_sample: new ort.Tensor('float32', new Float32Array(C * LATENT * LATENT), [1, C, LATENT, LATENT]) })).sample;
  assert.ok(img);
  assert.deepEqual(img.dims, [1, 3, 64, 64]);
  const enc = await session('vae_encoder');
  const lat = (await enc.run({ sample: new ort.Tensor('float32', new Float32Array(3 * 64 * 64), [1, 3, 64, 64]) })).latent_sample;
  assert.ok(lat);
  assert.deepEqual(lat.dims, [1, C, LATENT, LATENT]);
  await Promise.all([te.release(), unet.release(), dec.release(), enc.release()]);
});
