/**
 * LCMScheduler (diffusers scheduling_lcm.py): latent consistency models jump straight to a clean estimate each
 * step and re-noise it to the next timestep. Timesteps are picked from the `original_inference_steps` grid.
 */
import type { TorchGenerator } from '../torch-random.ts';
import {
  alphasCumprod,
  predictionType,
  type PredictionType,
  type Scheduler,
  type SchedulerConfig,
  type StepResult,
} from './scheduler.ts';

const SIGMA_DATA = 0.5;

export class LcmScheduler implements Scheduler {
  readonly name = 'lcm';
  readonly initNoiseSigma = 1;
  timesteps: number[] = [];
  private readonly ac: Float32Array;
  private readonly prediction: PredictionType;
  private readonly finalAlphaCumprod: number;

  constructor(private readonly config: SchedulerConfig) {
    this.ac = alphasCumprod(config);
    this.prediction = predictionType(config);
    this.finalAlphaCumprod = (config.set_alpha_to_one ?? true) ? 1 : this.ac[0];
  }

  setTimesteps(steps: number): void {
    const train = this.config.num_train_timesteps ?? 1000;
    const original = this.config.original_inference_steps ?? 50;
    if (!Number.isInteger(steps) || steps < 1 || steps > original) {
      throw new Error(`LCM steps must be an integer in 1..${original}, got ${steps}`);
    }
    const k = Math.floor(train / original);
    const origin: number[] = [];
    for (let i = 1; i <= original; i++) origin.push(i * k - 1);
    origin.reverse();
    // np.floor(np.linspace(0, original, steps, endpoint=False))
    this.timesteps = [];
    for (let i = 0; i < steps; i++) this.timesteps.push(origin[Math.floor((i * original) / steps)]);
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  /** The consistency-model boundary condition scalings for timestep t. */
  scalings(t: number): { cSkip: number; cOut: number } {
    const scaled = t * (this.config.timestep_scaling ?? 10);
    const cSkip = SIGMA_DATA ** 2 / (scaled * scaled + SIGMA_DATA ** 2);
    const cOut = scaled / Math.sqrt(scaled * scaled + SIGMA_DATA ** 2);
    return { cSkip, cOut };
  }

  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, rng: TorchGenerator): StepResult {
    const t = this.timesteps[stepIndex];
    const last = stepIndex === this.timesteps.length - 1;
    const prevT = last ? t : this.timesteps[stepIndex + 1];
    const acT = this.ac[t];
    const acPrev = prevT >= 0 ? this.ac[prevT] : this.finalAlphaCumprod;
    const { cSkip, cOut } = this.scalings(t);
    const sqrtAc = Math.sqrt(acT);
    const sqrtBeta = Math.sqrt(1 - acT);
    const denoised = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      let x0: number;
      if (this.prediction === 'epsilon') x0 = (sample[i] - sqrtBeta * modelOutput[i]) / sqrtAc;
      else if (this.prediction === 'v_prediction') x0 = sqrtAc * sample[i] - sqrtBeta * modelOutput[i];
      else x0 = modelOutput[i];
      denoised[i] = cOut * x0 + cSkip * sample[i];
    }
    if (last) return { prevSample: denoised, predOriginal: denoised };
    const noise = rng.randn(sample.length);
    const a = Math.sqrt(acPrev);
    const b = Math.sqrt(1 - acPrev);
    const prev = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i++) prev[i] = a * denoised[i] + b * noise[i];
    return { prevSample: prev, predOriginal: denoised };
  }

  addNoise(original: Float32Array, noise: Float32Array, stepIndex: number): Float32Array {
    const ac = this.ac[this.timesteps[stepIndex]];
    const a = Math.sqrt(ac);
    const b = Math.sqrt(1 - ac);
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = a * original[i] + b * noise[i];
    return out;
  }
}

/**
 * The guidance embedding LCM UNets take as `timestep_cond` (pipeline_latent_consistency_text2img.py
 * get_guidance_scale_embedding with w = guidance_scale - 1): sinusoids of w * 1000, [sin | cos].
 */
export function guidanceScaleEmbedding(guidanceScale: number, dim: number): Float32Array {
  const w = (guidanceScale - 1) * 1000;
  const half = dim / 2;
  const out = new Float32Array(dim);
  const base = Math.log(10000) / (half - 1);
  for (let i = 0; i < half; i++) {
    const arg = w * Math.exp(-i * base);
    out[i] = Math.sin(arg);
    out[half + i] = Math.cos(arg);
  }
  return out;
}
