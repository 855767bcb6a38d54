/**
 * EulerAncestralDiscreteScheduler (diffusers scheduling_euler_ancestral_discrete.py): Euler to sigma_down, then
 * fresh noise of size sigma_up. SDXL-Turbo's scheduler. On the last step (sigma_next = 0) it equals Euler.
 */
import type { TorchGenerator } from '../torch-random.ts';
import { EulerDiscreteScheduler } from './euler.ts';
import type { StepResult } from './scheduler.ts';

export class EulerAncestralDiscreteScheduler extends EulerDiscreteScheduler {
  override readonly name = 'euler-ancestral';

  override step(modelOutput: Float32Array, stepIndex: number, sample: Float32Array, rng: TorchGenerator): StepResult {
    const sigmaFrom = this.sigmas[stepIndex];
    const sigmaTo = this.sigmas[stepIndex + 1];
    const x0 = this.predictOriginal(modelOutput, sample, sigmaFrom);
    const sigmaUp = Math.sqrt((sigmaTo * sigmaTo * (sigmaFrom * sigmaFrom - sigmaTo * sigmaTo)) / (sigmaFrom * sigmaFrom));
    const sigmaDown = Math.sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
    const dt = sigmaDown - sigmaFrom;
    const prev = new Float32Array(sample.length);
    for (let i = 0; i < prev.length; i++) prev[i] = sample[i] + ((sample[i] - x0[i]) / sigmaFrom) * dt;
    // diffusers draws the noise even when sigma_up is 0 (last step); drawing keeps the generator in step with it.
    const noise = rng.randn(prev.length);
    for (let i = 0; i < prev.length; i++) prev[i] += noise[i] * sigmaUp;
    return { prevSample: prev, predOriginal: x0 };
  }
}
