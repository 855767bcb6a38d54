/**
 * Models Atelier knows how to fetch and run, with the per-model defaults used when a folder has no atelier.json.
 * Every entry is a diffusers-layout ONNX export that loads on ONNX Runtime's CPU provider (the ORT-team exports with
 * com.microsoft.NhwcConv are CUDA-only and deliberately absent). Components missing from the ONNX repo (tokenizer,
 * scheduler config) come from the original model repo, so the assembled folder is complete.
 */
import type { EngineQuality } from '../engines/engine.ts';

export interface QualitySteps {
  low: { steps: number };
  medium: { steps: number };
  high: { steps: number };
}

export interface ModelDefaults {
  guidanceScale: number;
  /** Pixels on the longest side the model was trained at. */
  nativeSize: number;
  quality: QualitySteps;
}

export interface HubSource {
  repo: string;
  revision: string;
  /** Files to fetch, relative to the repo root; they keep their path in the assembled model folder. */
  files: string[];
  /** Fetched when the repo has them (external weight files, component configs); absence is not an error. */
  optional?: string[];
}

export interface CatalogEntry {
  id: string;
  description: string;
  /** Approximate download size, shown before pulling. */
  downloadBytes: number;
  sources: HubSource[];
  defaults: ModelDefaults;
}

const TOKENIZER = ['tokenizer/vocab.json', 'tokenizer/merges.txt', 'tokenizer/special_tokens_map.json',
  'tokenizer/tokenizer_config.json'];
const TOKENIZER_2 = TOKENIZER.map((f) => f.replace('tokenizer/', 'tokenizer_2/'));
const onnx = (parts: string[]) => parts.map((p) => `${p}/model.onnx`);

export const CATALOG: readonly CatalogEntry[] = [
  {
    id: 'sd-turbo',
    description: 'Stability AI SD-Turbo (SD 2.1 distilled, 512px, 1-4 steps), fp16 ONNX',
    downloadBytes: 2_580_000_000,
    sources: [
      { repo: 'schmuell/sd-turbo-ort-web', revision: 'main', files: onnx(['text_encoder', 'unet', 'vae_decoder']), optional: onnx(['vae_encoder']) },
      { repo: 'stabilityai/sd-turbo', revision: 'main', files: [...TOKENIZER, 'scheduler/scheduler_config.json', 'model_index.json'] },
    ],
    defaults: { guidanceScale: 0, nativeSize: 512, quality: { low: { steps: 1 }, medium: { steps: 2 }, high: { steps: 4 } } },
  },
  {
    id: 'sdxl-turbo',
    description: 'Stability AI SDXL-Turbo (1024px-class model at 512px, 1-4 steps), official fp32 ONNX, ~11 GB',
    downloadBytes: 11_300_000_000,
    sources: [
      {
        repo: 'stabilityai/sdxl-turbo', revision: 'main', files: [
          'model_index.json', 'scheduler/scheduler_config.json', ...TOKENIZER, ...TOKENIZER_2,
          'text_encoder/model.onnx', 'text_encoder_2/model.onnx', 'unet/model.onnx', 'unet/model.onnx_data',
          'vae_decoder/model.onnx', 'vae_encoder/model.onnx',
        ],
        optional: ['text_encoder_2/model.onnx_data', 'text_encoder/model.onnx_data', 'vae_decoder/config.json',
          'vae_encoder/config.json', 'unet/config.json'],
      },
    ],
    defaults: { guidanceScale: 0, nativeSize: 512, quality: { low: { steps: 1 }, medium: { steps: 2 }, high: { steps: 4 } } },
  },
  {
    id: 'lcm-dreamshaper-v7',
    description: 'LCM Dreamshaper v7 (SD 1.5 latent consistency model, 512px, 4-8 steps), fp16 ONNX',
    downloadBytes: 2_200_000_000,
    sources: [
      {
        repo: 'aislamov/lcm-dreamshaper-v7-onnx', revision: 'main', files: [
          'model_index.json', 'scheduler/scheduler_config.json', ...TOKENIZER, 'text_encoder/model.onnx',
          'unet/model.onnx', 'vae_decoder/model.onnx',
        ],
        optional: ['unet/model.onnx_data', 'vae_decoder/model.onnx_data', 'text_encoder/model.onnx_data',
          'vae_encoder/model.onnx', 'vae_encoder/model.onnx_data', 'unet/config.json', 'vae_decoder/config.json'],
      },
    ],
    defaults: { guidanceScale: 8.5, nativeSize: 512, quality: { low: { steps: 2 }, medium: { steps: 4 }, high: { steps: 8 } } },
  },
  {
    id: 'sd-1.5',
    description: 'Stable Diffusion 1.5, fp16 ONNX (512px, 20-40 steps with guidance 7.5; slow on CPU)',
    downloadBytes: 2_100_000_000,
    sources: [
      {
        repo: 'nmkd/stable-diffusion-1.5-onnx-fp16', revision: 'main', files: [
          'model_index.json', 'scheduler/scheduler_config.json', ...TOKENIZER, 'text_encoder/model.onnx',
          'unet/model.onnx', 'vae_decoder/model.onnx',
        ],
        optional: ['unet/weights.pb', 'unet/model.onnx_data', 'vae_encoder/model.onnx'],
      },
    ],
    defaults: { guidanceScale: 7.5, nativeSize: 512, quality: { low: { steps: 12 }, medium: { steps: 20 }, high: { steps: 40 } } },
  },
];

/** Defaults for a model folder Atelier has no catalog entry for (an SD 1.x/2.x-style model). */
export const GENERIC_DEFAULTS: ModelDefaults = {
  guidanceScale: 7.5,
  nativeSize: 512,
  quality: { low: { steps: 12 }, medium: { steps: 20 }, high: { steps: 30 } },
};

export function catalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.id === id);
}

export function stepsFor(defaults: ModelDefaults, quality: EngineQuality): number {
  return defaults.quality[quality].steps;
}
