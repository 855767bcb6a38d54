/**
 * The UNet loop shared by every task: scale input, run the UNet (with classifier-free guidance when enabled),
 * scheduler step, optional inpainting blend, previews of the x0 prediction, and a cancellation check between steps.
 */
import type { LoadedModel } from '../loaded-model.ts';
import type { PromptEmbedding } from '../prompt-encoder.ts';
import type { Scheduler } from '../schedulers/scheduler.ts';
import { guidanceScaleEmbedding } from '../schedulers/lcm.ts';
import type { TorchGenerator } from '../torch-random.ts';
import type { TensorInput } from '../onnx-model.ts';

/** Largest batch sent through the UNet in one run; bigger batches are split (memory, not speed, is the limit). */
export const MAX_UNET_BATCH = 8;

export interface Conditioning {
  positive: PromptEmbedding;
  negative: PromptEmbedding;
  guidanceScale: number;
}

export interface InpaintBlend {
  /** [h*w] latent-resolution weights, 1 = repaint. */
  mask: Float32Array;
  /** [n, c, h, w] clean latents of the image being edited. */
  imageLatents: Float32Array;
  /** The noise used to start, reused to re-noise the known region to each step's level. */
  noise: Float32Array;
}

export interface DenoiseParams {
  model: LoadedModel;
  scheduler: Scheduler;
  latents: Float32Array;
  batch: number;
  latentHeight: number;
  latentWidth: number;
  /** First entry of scheduler.timesteps to run (img2img skips the noisiest ones). */
  startIndex: number;
  cond: Conditioning;
  /** Pixel size, for SDXL's time_ids. */
  pixelHeight: number;
  pixelWidth: number;
  rng: TorchGenerator;
  blend?: InpaintBlend;
  /** Inpainting UNets: [n, channels, h, w] appended to every latent row (mask + masked-image latents). */
  extraChannels?: { data: Float32Array; channels: number };
  /** Step indices (relative to startIndex) after which onPreview receives the x0 prediction. */
  previewAfter: number[];
  onPreview?: (x0: Float32Array, previewIndex: number) => Promise<void>;
  onProgress?: (progress: { step: number; totalSteps: number }) => void;
  signal: AbortSignal;
  /** Called with the wall time of each UNet step (UNet run + guidance + scheduler step), for the benchmark. */
  onStepTime?: (ms: number) => void;
}

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw signal.reason instanceof Error ? signal.reason : new DOMException('The generation was cancelled', 'AbortError');
  }
}

/** Classifier-free guidance runs when guidance > 1 and the UNet has no guidance embedding (LCM). */
export function usesCfg(model: LoadedModel, guidanceScale: number): boolean {
  return guidanceScale > 1 && !model.unet.hasInput('timestep_cond');
}

export async function denoise(p: DenoiseParams): Promise<Float32Array> {
  const { model, scheduler, batch, cond } = p;
  const cfg = usesCfg(model, cond.guidanceScale);
  const per = model.folder.latentChannels * p.latentHeight * p.latentWidth;
  const feeds = conditioningFeeds(p, cfg);
  let latents = p.latents;
  const total = scheduler.timesteps.length - p.startIndex;
  let previewIndex = 0;
  for (let i = p.startIndex; i < scheduler.timesteps.length; i++) {
    throwIfAborted(p.signal);
    const started = performance.now();
    const scaled = scheduler.scaleModelInput(latents, i);
    let input = cfg ? concat(scaled, scaled) : scaled;
    if (p.extraChannels) input = appendChannels(input, cfg ? 2 * batch : batch, batch, per, p.extraChannels);
    const eps = await runUnet(model, input, cfg ? 2 * batch : batch, p, scheduler.timesteps[i], feeds);
    let guided = eps;
    if (cfg) {
      guided = new Float32Array(batch * per);
      const g = cond.guidanceScale;
      for (let k = 0; k < guided.length; k++) {
        const u = eps[k];
        guided[k] = u + g * (eps[batch * per + k] - u);
      }
    }
    const { prevSample, predOriginal } = scheduler.step(guided, i, latents, p.rng);
    latents = prevSample;
    if (p.blend) latents = blendKnownRegion(latents, p.blend, scheduler, i, batch, per);
    p.onStepTime?.(performance.now() - started);
    const done = i - p.startIndex;
    p.onProgress?.({ step: done + 1, totalSteps: total });
    if (p.onPreview && p.previewAfter.includes(done)) {
      throwIfAborted(p.signal);
      await p.onPreview(predOriginal, previewIndex++);
    }
  }
  return latents;
}

/** Latent blend inpainting: outside the mask, replace the latents with the original re-noised to the next level. */
function blendKnownRegion(latents: Float32Array, blend: InpaintBlend, scheduler: Scheduler, i: number, batch: number, per: number): Float32Array {
  const last = i === scheduler.timesteps.length - 1;
  const known = last ? blend.imageLatents : scheduler.addNoise(blend.imageLatents, blend.noise, i + 1);
  const plane = blend.mask.length;
  const out = new Float32Array(latents.length);
  for (let k = 0; k < batch * per; k++) {
    const m = blend.mask[k % plane];
    out[k] = m * latents[k] + (1 - m) * known[k];
  }
  return out;
}

/** Row r of the UNet input = latents row r followed by extra row (r mod n), channel-wise. */
function appendChannels(rows: Float32Array, count: number, n: number, per: number, extra: { data: Float32Array; channels: number }): Float32Array {
  const extraPer = extra.data.length / n;
  const out = new Float32Array(count * (per + extraPer));
  for (let r = 0; r < count; r++) {
    out.set(rows.subarray(r * per, (r + 1) * per), r * (per + extraPer));
    out.set(extra.data.subarray((r % n) * extraPer, (r % n + 1) * extraPer), r * (per + extraPer) + per);
  }
  return out;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Repeats one embedding `times` times along a new batch axis. */
function repeat(data: Float32Array, times: number): Float32Array {
  const out = new Float32Array(data.length * times);
  for (let t = 0; t < times; t++) out.set(data, t * data.length);
  return out;
}

interface CondFeeds {
  /** Per-sample conditioning inputs for the full batch (uncond first when CFG). */
  perSample: Record<string, { data: Float32Array; width: number }>;
}

function conditioningFeeds(p: DenoiseParams, cfg: boolean): CondFeeds {
  const { positive, negative } = p.cond;
  const n = p.batch;
  const rows = (pos: Float32Array, neg: Float32Array) => (cfg ? concat(repeat(neg, n), repeat(pos, n)) : repeat(pos, n));
  const perSample: CondFeeds['perSample'] = {
    encoder_hidden_states: { data: rows(positive.hidden, negative.hidden), width: positive.seq * positive.dim },
  };
  const unet = p.model.unet;
  if (unet.hasInput('text_embeds')) {
    if (!positive.pooled || !negative.pooled) throw new Error('SDXL UNet needs pooled text embeddings (text_encoder_2 text_embeds)');
    perSample.text_embeds = { data: rows(positive.pooled, negative.pooled), width: positive.pooled.length };
  }
  if (unet.hasInput('time_ids')) {
    // original size, crop top-left, target size (diffusers _get_add_time_ids); we never crop.
    const ids = Float32Array.from([p.pixelHeight, p.pixelWidth, 0, 0, p.pixelHeight, p.pixelWidth]);
    perSample.time_ids = { data: rows(ids, ids), width: 6 };
  }
  if (unet.hasInput('timestep_cond')) {
    const dim = unet.inputDim('timestep_cond', 1) ?? 256;
    const w = guidanceScaleEmbedding(p.cond.guidanceScale, dim);
    perSample.timestep_cond = { data: rows(w, w), width: dim };
  }
  return { perSample };
}

async function runUnet(
  model: LoadedModel,
  sample: Float32Array,
  total: number,
  p: DenoiseParams,
  timestep: number,
  feeds: CondFeeds,
): Promise<Float32Array> {
  const unet = model.unet;
  const c = model.folder.latentChannels + (p.extraChannels?.channels ?? 0);
  const per = c * p.latentHeight * p.latentWidth;
  const chunk = unet.inputDim('sample', 0) ?? Math.min(total, MAX_UNET_BATCH);
  const outPer = model.folder.latentChannels * p.latentHeight * p.latentWidth;
  const out = new Float32Array(total * outPer);
  for (let start = 0; start < total; start += chunk) {
    const size = Math.min(chunk, total - start);
    const run: Record<string, TensorInput> = {
      sample: { data: sample.subarray(start * per, (start + size) * per), dims: [size, c, p.latentHeight, p.latentWidth] },
      timestep: timestepInput(unet.inputRank('timestep'), unet.inputDim('timestep', 0), timestep, size),
    };
    for (const [name, f] of Object.entries(feeds.perSample)) {
      const data = f.data.subarray(start * f.width, (start + size) * f.width);
      run[name] = { data, dims: name === 'encoder_hidden_states' ? [size, p.cond.positive.seq, p.cond.positive.dim] : [size, f.width] };
    }
    const result = await unet.run(run, ['out_sample']);
    out.set(result.out_sample.data, start * outPer);
  }
  return out;
}

/** The timestep as the graph declares it: scalar, [1], or one per sample; OnnxModel casts to float/int64. */
function timestepInput(rank: number | undefined, fixed: number | undefined, t: number, batch: number): TensorInput {
  if (rank === 0) return { data: Float32Array.of(t), dims: [] };
  const size = fixed ?? batch;
  return { data: new Float32Array(size).fill(t), dims: [size] };
}
