/**
 * Reads a model folder in the diffusers ONNX layout (plus Atelier's optional atelier.json) into one typed
 * description. Everything a pipeline needs to know about a model comes from here, never from constants.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { catalogEntry, GENERIC_DEFAULTS, type ModelDefaults } from './catalog.ts';
import type { SchedulerConfig } from './schedulers/scheduler.ts';

export interface ModelFolder {
  dir: string;
  id: string;
  description: string;
  /** SDXL: two text encoders, pooled embeds and time_ids. */
  isXL: boolean;
  scheduler: SchedulerConfig;
  /** Pixels per latent cell: 2^(len(vae block_out_channels)-1), 8 for every SD VAE. */
  vaeScaleFactor: number;
  /** Latent side lengths must be multiples of this for the UNet's down/up-sampling to line up. */
  latentMultiple: number;
  latentChannels: number;
  /** Latents are divided by this before VAE decode and multiplied after encode. */
  scalingFactor: number;
  /** UNet input channels: 4 for ordinary models, 9 for dedicated inpainting UNets. */
  unetInChannels: number;
  hasVaeEncoder: boolean;
  hasTaesd: boolean;
  defaults: ModelDefaults;
}

/** A folder counts as a model when it has the files every pipeline needs. */
export function looksLikeModelFolder(dir: string): boolean {
  return ['model_index.json', 'unet/model.onnx', 'text_encoder/model.onnx', 'vae_decoder/model.onnx']
    .every((f) => existsSync(join(dir, f)));
}

async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
}

const num = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

function readDefaults(atelier: Record<string, unknown> | undefined, base: ModelDefaults): ModelDefaults {
  if (!atelier) return base;
  const q = (atelier.quality ?? {}) as Record<string, { steps?: unknown } | undefined>;
  const steps = (level: 'low' | 'medium' | 'high') => {
    const s = num(q[level]?.steps, base.quality[level].steps);
    if (!Number.isInteger(s) || s < 1 || s > 150) throw new Error(`atelier.json quality.${level}.steps must be 1..150`);
    return { steps: s };
  };
  const guidanceScale = num(atelier.guidance_scale, base.guidanceScale);
  if (guidanceScale < 0 || guidanceScale > 30) throw new Error('atelier.json guidance_scale must be 0..30');
  const nativeSize = num(atelier.native_size, base.nativeSize);
  // Bounded so a typo cannot ask for a 100k-pixel latent grid.
  if (!Number.isInteger(nativeSize) || nativeSize < 32 || nativeSize > 2048) throw new Error('atelier.json native_size must be an integer 32..2048');
  return { guidanceScale, nativeSize, quality: { low: steps('low'), medium: steps('medium'), high: steps('high') } };
}

export async function readModelFolder(dir: string, fallbackId = basename(dir)): Promise<ModelFolder> {
  if (!looksLikeModelFolder(dir)) {
    throw new Error(`${dir} is not a diffusers ONNX model folder (needs model_index.json, unet, text_encoder, vae_decoder)`);
  }
  const [index, scheduler, vae, unet, atelier] = await Promise.all([
    readJson(join(dir, 'model_index.json')),
    readJson(join(dir, 'scheduler', 'scheduler_config.json')),
    readJson(join(dir, 'vae_decoder', 'config.json')),
    readJson(join(dir, 'unet', 'config.json')),
    readJson(join(dir, 'atelier.json')),
  ]);
  const id = typeof atelier?.id === 'string' ? atelier.id : fallbackId;
  const isXL = existsSync(join(dir, 'text_encoder_2', 'model.onnx')) || String(index?._class_name ?? '').includes('XL');
  const vaeBlocks = Array.isArray(vae?.block_out_channels) ? vae.block_out_channels.length : 4;
  const unetBlocks = Array.isArray(unet?.block_out_channels) ? unet.block_out_channels.length : 1;
  const base = catalogEntry(id)?.defaults ?? GENERIC_DEFAULTS;
  return {
    dir,
    id,
    description: typeof atelier?.description === 'string' ? atelier.description : (catalogEntry(id)?.description ?? `Local model ${id}`),
    isXL,
    // SD 1.x/2.x exports without a scheduler folder: the PNDM defaults of the original pipelines.
    scheduler: (scheduler as SchedulerConfig | undefined) ?? {
      _class_name: 'PNDMScheduler', beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear',
      num_train_timesteps: 1000, steps_offset: 1, timestep_spacing: 'leading',
    },
    vaeScaleFactor: 2 ** (vaeBlocks - 1),
    latentMultiple: 2 ** (unetBlocks - 1),
    latentChannels: num(vae?.latent_channels, 4),
    scalingFactor: num(vae?.scaling_factor, isXL ? 0.13025 : 0.18215),
    unetInChannels: num(unet?.in_channels, 4),
    hasVaeEncoder: existsSync(join(dir, 'vae_encoder', 'model.onnx')),
    hasTaesd: existsSync(join(dir, 'taesd_decoder', 'model.onnx')),
    defaults: readDefaults(atelier, base),
  };
}
