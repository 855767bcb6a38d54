/**
 * The OpenAI model names Atelier answers to and the contract each family follows (reference §0 and §1): limits,
 * allowed values and defaults per endpoint. Validators read these tables; nothing else hard-codes a limit.
 */
export type ModelFamily = 'gpt-image' | 'dall-e-2' | 'dall-e-3';
export type Endpoint = 'generation' | 'edit' | 'variation';

export const GPT_IMAGE_MODELS = ['gpt-image-1', 'gpt-image-1-mini', 'gpt-image-1.5'] as const;
export const DALLE_MODELS = ['dall-e-2', 'dall-e-3'] as const;
export const OPENAI_MODEL_NAMES: readonly string[] = [...GPT_IMAGE_MODELS, ...DALLE_MODELS];

export const GPT_SIZES = ['1024x1024', '1536x1024', '1024x1536', 'auto'] as const;
export const DALLE2_SIZES = ['256x256', '512x512', '1024x1024'] as const;
export const DALLE3_SIZES = ['1024x1024', '1792x1024', '1024x1792'] as const;

export const BACKGROUNDS = ['transparent', 'opaque', 'auto'] as const;
export const OUTPUT_FORMATS = ['png', 'jpeg', 'webp'] as const;
export const MODERATION_LEVELS = ['low', 'auto'] as const;
export const RESPONSE_FORMATS = ['url', 'b64_json'] as const;
export const STYLES = ['vivid', 'natural'] as const;
export const INPUT_FIDELITIES = ['high', 'low'] as const;

export type Background = (typeof BACKGROUNDS)[number];
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export interface FamilyRules {
  promptMax: number;
  sizes: readonly string[];
  defaultSize: string;
  qualities: readonly string[];
  nMax: number;
  /** Whether background/output_format/output_compression/moderation/stream/partial_images/input_fidelity apply. */
  gptParams: boolean;
  /** Whether `response_format` applies (DALL·E only; GPT models reject it as unknown). */
  responseFormat: boolean;
  style: boolean;
}

const GPT_RULES: FamilyRules = {
  promptMax: 32000,
  sizes: GPT_SIZES,
  defaultSize: 'auto',
  qualities: ['low', 'medium', 'high', 'auto'],
  nMax: 10,
  gptParams: true,
  responseFormat: false,
  style: false,
};

const DALLE2_RULES: FamilyRules = {
  promptMax: 1000,
  sizes: DALLE2_SIZES,
  defaultSize: '1024x1024',
  qualities: ['standard'],
  nMax: 10,
  gptParams: false,
  responseFormat: true,
  style: false,
};

const DALLE3_RULES: FamilyRules = {
  promptMax: 4000,
  sizes: DALLE3_SIZES,
  defaultSize: '1024x1024',
  qualities: ['standard', 'hd'],
  nMax: 1,
  gptParams: false,
  responseFormat: true,
  style: true,
};

export function familyRules(family: ModelFamily): FamilyRules {
  if (family === 'gpt-image') return GPT_RULES;
  return family === 'dall-e-2' ? DALLE2_RULES : DALLE3_RULES;
}

/** The contract a requested model name follows. Local model ids behave like the GPT image models. */
export function familyOf(model: string): ModelFamily {
  if (model === 'dall-e-2' || model === 'dall-e-3') return model;
  return 'gpt-image';
}

/** Which families each endpoint accepts (reference §0 matrix). */
export function familyAllowed(family: ModelFamily, endpoint: Endpoint): boolean {
  if (endpoint === 'generation') return true;
  if (endpoint === 'edit') return family !== 'dall-e-3';
  return family === 'dall-e-2';
}

/** GPT-only request parameters; sending one without a model picks a GPT model on generations (reference §0). */
export const GPT_ONLY_PARAMS = [
  'background',
  'output_format',
  'output_compression',
  'moderation',
  'stream',
  'partial_images',
  'input_fidelity',
] as const;
