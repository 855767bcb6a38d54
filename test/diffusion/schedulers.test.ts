import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createScheduler } from '../../src/diffusion/schedulers/index.ts';
import { EulerDiscreteScheduler } from '../../src/diffusion/schedulers/euler.ts';
import { LcmScheduler, guidanceScaleEmbedding } from '../../src/diffusion/schedulers/lcm.ts';
import { alphasCumprod, type SchedulerConfig } from '../../src/diffusion/schedulers/scheduler.ts';
import { TorchGenerator } from '../../src/diffusion/torch-random.ts';

// Expected numbers: diffusers v0.35.2 formulas evaluated with torch/numpy float32 (see docs/engine.md, "How the
// scheduler numbers were checked"); the issue lists the headline ones.
const SD = { beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000 };
const EULER: SchedulerConfig = { _class_name: 'EulerDiscreteScheduler', ...SD, timestep_spacing: 'trailing', steps_offset: 1 };
const ANCESTRAL: SchedulerConfig = { ...EULER, _class_name: 'EulerAncestralDiscreteScheduler' };
const LCM: SchedulerConfig = { _class_name: 'LCMScheduler', ...SD, original_inference_steps: 50, timestep_scaling: 10 };

function near(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}

/** A generator whose next randn() returns fixed values, to test the noise terms of stochastic steps. */
class FixedNoise extends TorchGenerator {
  constructor(private readonly values: number[]) {
    super(0);
  }
  override randn(size: number): Float32Array {
    return Float32Array.from({ length: size }, (_, i) => this.values[i % this.values.length]);
  }
}

const x = Float32Array.from([0.5, -1, 2]);
const eps = Float32Array.from([0.1, 0.2, -0.3]);

test('noise schedule: alphas_cumprod[999] and the sigma range of SD', () => {
  const ac = alphasCumprod(SD);
  // torch's vectorised float32 linspace rounds a few betas differently; the product agrees to ~2e-7 relative.
  assert.ok(Math.abs(ac[999] - 0.0046600960195064545) < 2e-9, String(ac[999]));
  const s = new EulerDiscreteScheduler({ ...EULER, timestep_spacing: 'linspace' });
  s.setTimesteps(1000);
  near([s.sigmas[0], s.sigmas[999]], [14.614645, 0.029167533], 1e-5, 'sigma max/min');
});

test('Euler trailing, 4 steps: timesteps 999 749 499 249 and sigmas 14.6147 4.0817 1.6129 0.6932 0', () => {
  const s = createScheduler(EULER) as EulerDiscreteScheduler;
  s.setTimesteps(4);
  assert.deepEqual(s.timesteps, [999, 749, 499, 249]);
  // The figures are rounded to 4 decimals (torch: 14.614645, 4.0817308, 1.612887, 0.6932054).
  near(s.sigmas, [14.6147, 4.0817, 1.6129, 0.6932, 0], 1e-4, 'sigmas');
  near(s.sigmas, [14.614645, 4.0817308, 1.612887, 0.6932054, 0], 1e-5, 'sigmas (torch)');
  assert.ok(Math.abs(s.initNoiseSigma - 14.614645) < 1e-5, 'trailing spacing: init sigma = max sigma');
});

test('Euler trailing for 1, 2 and 3 steps', () => {
  const s = new EulerDiscreteScheduler(EULER);
  s.setTimesteps(1);
  assert.deepEqual(s.timesteps, [999]);
  s.setTimesteps(2);
  assert.deepEqual(s.timesteps, [999, 499]);
  near(s.sigmas, [14.614645, 1.612887, 0], 1e-5, 'n=2');
  s.setTimesteps(3);
  assert.deepEqual(s.timesteps, [999, 666, 332]);
  near(s.sigmas, [14.614645, 2.9183083, 0.9292147, 0], 1e-5, 'n=3');
});

test('Euler step updates and input scaling', () => {
  const s = new EulerDiscreteScheduler(EULER);
  s.setTimesteps(4);
  const rng = new TorchGenerator(0);
  near(s.scaleModelInput(x, 0), [0.034132447, -0.068264894, 0.13652979], 1e-6, 'scaled input');
  const first = s.step(eps, 0, x, rng);
  near(first.prevSample, [-0.55329144, -3.1065829, 5.1598744], 1e-5, 'step 0 x_prev');
  near(first.predOriginal, [-0.96146452, -3.922929, 6.3843937], 1e-5, 'step 0 x0');
  const last = s.step(eps, 3, x, rng);
  near(last.prevSample, [0.43067944, -1.1386411, 2.2079616], 1e-5, 'last step lands on x0');
  near(last.prevSample, last.predOriginal, 1e-6, 'last step = x0');
  near(s.addNoise(x, eps, 1), [0.5 + 0.1 * 4.0817308, -1 + 0.2 * 4.0817308, 2 - 0.3 * 4.0817308], 1e-5, 'add_noise');
});

test('Euler ancestral step: sigma_up/sigma_down split and the noise term', () => {
  const s = createScheduler(ANCESTRAL);
  assert.equal(s.name, 'euler-ancestral');
  s.setTimesteps(4);
  const out = s.step(eps, 1, x, new FixedNoise([0.3, -0.7, 1.1]));
  near(out.prevSample, [0.6000477, -2.726019, 4.6631098], 1e-5, 'ancestral x_prev');
  const last = s.step(eps, 3, x, new FixedNoise([5, 5, 5]));
  near(last.prevSample, last.predOriginal, 1e-6, 'last ancestral step ignores noise');
});

test('LCM, 4 steps: timesteps 999 759 499 259; 8 steps and 1 step', () => {
  const s = new LcmScheduler(LCM);
  s.setTimesteps(4);
  assert.deepEqual(s.timesteps, [999, 759, 499, 259]);
  s.setTimesteps(8);
  assert.deepEqual(s.timesteps, [999, 879, 759, 639, 499, 379, 259, 139]);
  s.setTimesteps(1);
  assert.deepEqual(s.timesteps, [999]);
  assert.equal(s.initNoiseSigma, 1);
  assert.throws(() => s.setTimesteps(51), /1\.\.50/);
});

test('LCM step updates: consistency boundary scalings, re-noising, last step returns the denoised sample', () => {
  const s = new LcmScheduler(LCM);
  s.setTimesteps(4);
  const first = s.step(eps, 0, x, new FixedNoise([0.3, -0.7, 1.1]));
  near(first.predOriginal, [5.8629441, -17.571747, 33.68203], 5e-4, 'denoised');
  near(first.prevSample, [1.6317542, -4.6966496, 8.7672892], 2e-4, 'x_prev');
  const last = s.step(eps, 3, x, new FixedNoise([9]));
  near(last.prevSample, [0.54399782, -1.3757476, 2.6795573], 1e-5, 'last');
});

test('LCM guidance embedding matches diffusers get_guidance_scale_embedding(w = guidance - 1)', () => {
  near(guidanceScaleEmbedding(8.5, 8), [-0.85123593, 0.56267112, -0.43523303, 0.68163872, -0.52478325, -0.82668084,
    -0.90031785, 0.73168892], 2e-3, 'w embedding');
});

test('unknown scheduler classes fall back to Euler on the same noise schedule; bad configs are refused', () => {
  const s = createScheduler({ ...SD, _class_name: 'PNDMScheduler', timestep_spacing: 'leading', steps_offset: 1 });
  s.setTimesteps(4);
  assert.deepEqual(s.timesteps, [751, 501, 251, 1]);
  assert.throws(() => createScheduler({ ...EULER, beta_schedule: 'cubic' }), /beta_schedule/);
  assert.throws(() => createScheduler({ ...EULER, prediction_type: 'flow' }), /prediction_type/);
});
