/**
 * The small interface every scheduler implements (diffusers' shape: set_timesteps / scale_model_input / step /
 * add_noise), plus the noise-schedule math they share. Schedulers are configured from the model's own
 * scheduler/scheduler_config.json, never from constants in a pipeline. Latents are flat Float32Arrays; the step
 * index is passed explicitly so a scheduler holds no hidden per-request state besides its timestep table.
 */
import type { TorchGenerator } from '../torch-random.ts';

/** The keys of diffusers' scheduler_config.json that Atelier reads; anything else is ignored. */
export interface SchedulerConfig {
  _class_name?: string;
  num_train_timesteps?: number;
  beta_start?: number;
  beta_end?: number;
  beta_schedule?: string;
  trained_betas?: number[] | null;
  prediction_type?: string;
  timestep_spacing?: string;
  steps_offset?: number;
  original_inference_steps?: number;
  timestep_scaling?: number;
  set_alpha_to_one?: boolean;
  clip_sample?: boolean;
  clip_sample_range?: number;
}

export interface StepResult {
  /** x_{t-1}: the latents for the next step. */
  prevSample: Float32Array;
  /** The model's current estimate of the clean latents, used for previews. */
  predOriginal: Float32Array;
}

export interface Scheduler {
  readonly name: string;
  /** Timesteps fed to the UNet, in order (after setTimesteps). */
  readonly timesteps: number[];
  /** Factor applied to unit Gaussian noise to make the first latents. */
  readonly initNoiseSigma: number;
  setTimesteps(steps: number): void;
  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array;
  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, rng: TorchGenerator): StepResult;
  /** Noises clean latents to the level of timesteps[stepIndex] (img2img start, inpaint blending). */
  addNoise(original: Float32Array, noise: Float32Array, stepIndex: number): Float32Array;
}

export type PredictionType = 'epsilon' | 'v_prediction' | 'sample';

export function predictionType(config: SchedulerConfig): PredictionType {
  const p = config.prediction_type ?? 'epsilon';
  if (p === 'epsilon' || p === 'v_prediction' || p === 'sample') return p;
  throw new Error(`unsupported prediction_type '${p}' in scheduler_config.json`);
}

/**
 * alphas_cumprod as diffusers computes it with torch: float32 betas (linspace in float32, squared for scaled_linear),
 * the cumulative product accumulated in double (torch's CPU accumulate type for float) and stored as float32.
 */
const cumprodCache = new Map<string, Float32Array>();

export function alphasCumprod(config: SchedulerConfig): Float32Array {
  // Every request builds a scheduler; the table depends only on these keys.
  const key = JSON.stringify([config.num_train_timesteps, config.beta_start, config.beta_end, config.beta_schedule, config.trained_betas]);
  const cached = cumprodCache.get(key);
  if (cached) return cached;
  const table = computeAlphasCumprod(config);
  if (cumprodCache.size < 32) cumprodCache.set(key, table);
  return table;
}

function computeAlphasCumprod(config: SchedulerConfig): Float32Array {
  const n = config.num_train_timesteps ?? 1000;
  const start = config.beta_start ?? 0.0001;
  const end = config.beta_end ?? 0.02;
  const schedule = config.beta_schedule ?? 'linear';
  const betas = new Float32Array(n);
  if (config.trained_betas && config.trained_betas.length === n) {
    betas.set(config.trained_betas);
  } else if (schedule === 'scaled_linear') {
    const root = torchLinspaceFloat32(Math.sqrt(start), Math.sqrt(end), n);
    for (let i = 0; i < n; i++) betas[i] = Math.fround(root[i] * root[i]);
  } else if (schedule === 'linear') {
    for (let i = 0; i < n; i++) betas[i] = start + ((end - start) * i) / (n - 1);
  } else if (schedule === 'squaredcos_cap_v2') {
    const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (let i = 0; i < n; i++) betas[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
  } else {
    throw new Error(`unsupported beta_schedule '${schedule}' in scheduler_config.json`);
  }
  const out = new Float32Array(n);
  let acc = 1;
  for (let i = 0; i < n; i++) {
    acc *= Math.fround(1 - betas[i]);
    out[i] = Math.fround(acc);
  }
  return out;
}

/** torch.linspace in float32: the first half counts up from start, the second half down from end. */
function torchLinspaceFloat32(start: number, end: number, n: number): Float32Array {
  const f = Math.fround;
  const a = f(start);
  const b = f(end);
  const step = f(f(b - a) / (n - 1));
  const half = Math.floor(n / 2);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = i < half ? f(a + f(step * i)) : f(b - f(step * (n - 1 - i)));
  return out;
}

/**
 * Inference timesteps for Euler-family schedulers per `timestep_spacing` (diffusers set_timesteps), descending.
 * Values can be fractional for "linspace"; the UNet receives them as float32 (or rounded for int64 graphs).
 */
export function spacedTimesteps(config: SchedulerConfig, steps: number): number[] {
  const train = config.num_train_timesteps ?? 1000;
  const spacing = config.timestep_spacing ?? 'linspace';
  const offset = config.steps_offset ?? 0;
  const out: number[] = [];
  if (spacing === 'linspace') {
    for (let i = 0; i < steps; i++) out.push(steps === 1 ? 0 : ((train - 1) * i) / (steps - 1));
    out.reverse();
  } else if (spacing === 'leading') {
    const ratio = Math.floor(train / steps);
    for (let i = steps - 1; i >= 0; i--) out.push(Math.round(i * ratio) + offset);
  } else if (spacing === 'trailing') {
    const ratio = train / steps;
    // np.round(np.arange(train, 0, -ratio)) - 1; numpy rounds halves to even.
    for (let i = 0; i < steps; i++) out.push(roundHalfEven(train - i * ratio) - 1);
  } else {
    throw new Error(`unsupported timestep_spacing '${spacing}' in scheduler_config.json`);
  }
  return out.map((t) => Math.fround(t));
}

export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** sigma(t) = sqrt((1 - ac) / ac), linearly interpolated between integer train timesteps (np.interp). */
export function sigmaAt(ac: Float32Array, t: number): number {
  const sigma = (i: number) => Math.fround(Math.sqrt(Math.fround((1 - ac[i]) / ac[i])));
  const lo = Math.max(0, Math.min(ac.length - 1, Math.floor(t)));
  const hi = Math.min(ac.length - 1, lo + 1);
  const w = t - lo;
  return Math.fround(sigma(lo) * (1 - w) + sigma(hi) * w);
}
