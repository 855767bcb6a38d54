/** Picks the scheduler class named in a model's scheduler_config.json. */
import { EulerAncestralDiscreteScheduler } from './euler-ancestral.ts';
import { EulerDiscreteScheduler } from './euler.ts';
import { LcmScheduler } from './lcm.ts';
import type { Scheduler, SchedulerConfig } from './scheduler.ts';

export type { Scheduler, SchedulerConfig, StepResult } from './scheduler.ts';

export function createScheduler(config: SchedulerConfig): Scheduler {
  switch (config._class_name) {
    case 'EulerDiscreteScheduler':
      return new EulerDiscreteScheduler(config);
    case 'EulerAncestralDiscreteScheduler':
      return new EulerAncestralDiscreteScheduler(config);
    case 'LCMScheduler':
      return new LcmScheduler(config);
    default:
      // PNDM/DDIM/DPM++ configs (SD 1.5 and 2.1 defaults) run on Euler with the same noise schedule: the sampler
      // differs, the model's training does not. Documented in docs/engine.md.
      return new EulerDiscreteScheduler(config);
  }
}
