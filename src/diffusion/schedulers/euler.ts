/**
 * EulerDiscreteScheduler (diffusers scheduling_euler_discrete.py, s_churn = 0): the scheduler of SD-Turbo and
 * many SD 1.5/2.x exports. k-diffusion sigma parameterisation: x_t = x0 + sigma * noise.
 */
import type { TorchGenerator } from '../torch-random.ts';
import {
  alphasCumprod,
  predictionType,
  sigmaAt,
  spacedTimesteps,
  type PredictionType,
  type Scheduler,
  type SchedulerConfig,
  type StepResult,
} from './scheduler.ts';

export class EulerDiscreteScheduler implements Scheduler {
  readonly name: string = 'euler';
  timesteps: number[] = [];
  /** sigmas[i] for timesteps[i], plus a final 0 (final_sigmas_type "zero"). */
  sigmas: number[] = [];
  protected readonly ac: Float32Array;
  protected readonly prediction: PredictionType;
  protected readonly spacing: string;

  constructor(protected readonly config: SchedulerConfig) {
    this.ac = alphasCumprod(config);
    this.prediction = predictionType(config);
    this.spacing = config.timestep_spacing ?? 'linspace';
  }

  get initNoiseSigma(): number {
    const max = Math.max(...this.sigmas);
    return this.spacing === 'linspace' || this.spacing === 'trailing' ? max : Math.sqrt(max * max + 1);
  }

  setTimesteps(steps: number): void {
    if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
    this.timesteps = spacedTimesteps(this.config, steps);
    this.sigmas = [...this.timesteps.map((t) => sigmaAt(this.ac, t)), 0];
  }

  scaleModelInput(sample: Float32Array, stepIndex: number): Float32Array {
    const sigma = this.sigmas[stepIndex];
    const k = 1 / Math.sqrt(sigma * sigma + 1);
    const out = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) out[i] = sample[i] * k;
    return out;
  }

  /** The clean-latent estimate x0 from the model output at noise level sigma. */
  protected predictOriginal(modelOutput: Float32Array, sample: Float32Array, sigma: number): Float32Array {
    const x0 = new Float32Array(sample.length);
    if (this.prediction === 'epsilon') {
      for (let i = 0; i < x0.length; i++) x0[i] = sample[i] - sigma * modelOutput[i];
    } else if (this.prediction === 'v_prediction') {
      const c = -sigma / Math.sqrt(sigma * sigma + 1);
      const d = 1 / (sigma * sigma + 1);
      for (let i = 0; i < x0.length; i++) x0[i] = modelOutput[i] * c + sample[i] * d;
    } else {
      x0.set(modelOutput);
    }
    return x0;
  }

  step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, _rng: TorchGenerator): StepResult {
    const sigma = this.sigmas[stepIndex];
    const next = this.sigmas[stepIndex + 1];
    const x0 = this.predictOriginal(modelOutput, sample, sigma);
    const dt = next - sigma;
    const prev = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i++) prev[i] = sample[i] + ((sample[i] - x0[i]) / sigma) * dt;
    return { prevSample: prev, predOriginal: x0 };
  }

  addNoise(original: Float32Array, noise: Float32Array, stepIndex: number): Float32Array {
    const sigma = this.sigmas[stepIndex];
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = original[i] + noise[i] * sigma;
    return out;
  }
}
