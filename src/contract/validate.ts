/**
 * Validation of the Images API parameters, per endpoint and per model family, with OpenAI's limits, defaults and
 * error wording (reference §1). Uploaded files are not seen here; the routes collect them and imaging checks them.
 */
import { invalidParam } from './api-error.ts';
import {
  missingParameter,
  unknownParameter,
  unsupportedParameter,
} from './errors.ts';
import type { ImageRequest } from './image-request.ts';
import {
  BACKGROUNDS,
  familyAllowed,
  familyOf,
  familyRules,
  GPT_ONLY_PARAMS,
  INPUT_FIDELITIES,
  MODERATION_LEVELS,
  OUTPUT_FORMATS,
  RESPONSE_FORMATS,
  STYLES,
  type Endpoint,
} from './models.ts';
import { ParamReader, type ParamSource } from './param-reader.ts';

/** Which body shape a request came in: edits accept multipart and (GPT only) JSON with `images: [...]`. */
export type BodyKind = 'generation-json' | 'edit-form' | 'edit-json' | 'variation-form';

/** Parameters each body kind accepts besides files (`image`, `image[]`, `mask` are taken out before validation). */
const ACCEPTED: Record<BodyKind, readonly string[]> = {
  'generation-json': [
    'prompt', 'model', 'n', 'size', 'quality', 'background', 'output_format', 'output_compression', 'moderation',
    'response_format', 'style', 'stream', 'partial_images', 'user', 'seed',
  ],
  'edit-form': [
    'prompt', 'model', 'n', 'size', 'quality', 'background', 'input_fidelity', 'output_format', 'output_compression',
    'response_format', 'stream', 'partial_images', 'user', 'seed',
  ],
  'edit-json': [
    'images', 'mask', 'prompt', 'model', 'n', 'size', 'quality', 'background', 'input_fidelity', 'output_format',
    'output_compression', 'moderation', 'stream', 'partial_images', 'user', 'seed',
  ],
  'variation-form': ['model', 'n', 'response_format', 'size', 'user', 'seed'],
};

const ENDPOINT_OF: Record<BodyKind, Endpoint> = {
  'generation-json': 'generation',
  'edit-form': 'edit',
  'edit-json': 'edit',
  'variation-form': 'variation',
};

export interface ValidateOptions {
  /** Configured default model (config `defaults.model`); otherwise OpenAI's per-endpoint default. */
  defaultModel?: string;
}

/** Largest seed accepted: engines use it as an unsigned 32-bit value. */
export const MAX_SEED = 0xffffffff;

function defaultModelFor(kind: BodyKind, reader: ParamReader, opts: ValidateOptions): string {
  if (opts.defaultModel) return opts.defaultModel;
  if (kind === 'variation-form') return 'dall-e-2';
  if (kind === 'edit-form' || kind === 'edit-json') return 'gpt-image-1.5';
  // Generations default to dall-e-2 "unless a parameter specific to the GPT image models is used".
  return GPT_ONLY_PARAMS.some((p) => reader.has(p)) ? 'gpt-image-1' : 'dall-e-2';
}

export function validateImageParams(
  kind: BodyKind,
  raw: Readonly<Record<string, unknown>>,
  opts: ValidateOptions = {},
): ImageRequest {
  const source: ParamSource = kind.endsWith('-form') ? 'form' : 'json';
  const reader = new ParamReader(raw, source);
  const endpoint = ENDPOINT_OF[kind];
  for (const key of reader.keys()) {
    if (!ACCEPTED[kind].includes(key)) throw unknownParameter(key);
  }

  const model = reader.string('model', { min: 1, max: 256 }) ?? defaultModelFor(kind, reader, opts);
  const family = familyOf(model);
  if (!familyAllowed(family, endpoint) || (kind === 'edit-json' && family !== 'gpt-image')) {
    const why =
      kind === 'edit-json'
        ? 'JSON edits support GPT image models only; DALL-E edits require multipart.'
        : `The model '${model}' does not support ${endpoint === 'edit' ? 'image edits' : 'image variations'}.`;
    throw invalidParam('model', `Invalid value: '${model}'. ${why}`, 'invalid_value');
  }
  const rules = familyRules(family);

  let prompt = '';
  if (endpoint !== 'variation') {
    if (!reader.has('prompt')) throw missingParameter('prompt');
    prompt = reader.string('prompt', { min: 1, max: rules.promptMax }) ?? '';
  }

  if (!rules.gptParams) {
    for (const p of GPT_ONLY_PARAMS) if (reader.has(p)) throw unsupportedParameter(p, model);
  }
  if (!rules.responseFormat && reader.has('response_format')) throw unknownParameter('response_format');
  if (!rules.style && reader.has('style')) throw unsupportedParameter('style', model);

  const n = reader.int('n', 1, rules.nMax) ?? 1;
  const size = reader.enumValue('size', rules.sizes) ?? rules.defaultSize;
  // DALL·E also takes the spec default 'auto' (resolved to 'standard'), but errors list OpenAI's values only.
  const quality0 = reader.value('quality');
  let quality: string = quality0 === 'auto' ? 'auto' : (reader.enumValue('quality', rules.qualities) ?? 'auto');
  if (quality === 'auto' && family !== 'gpt-image') quality = 'standard';

  const background = reader.enumValue('background', BACKGROUNDS) ?? 'auto';
  const outputFormat = reader.enumValue('output_format', OUTPUT_FORMATS) ?? 'png';
  const outputCompression = reader.int('output_compression', 0, 100) ?? 100;
  if (background === 'transparent' && outputFormat === 'jpeg') {
    throw invalidParam(
      'background',
      "Invalid value: 'transparent'. Transparent backgrounds require output_format 'png' or 'webp'; 'jpeg' has no alpha channel.",
      'invalid_value',
    );
  }
  const stream = reader.bool('stream') ?? false;
  const partialImages = reader.int('partial_images', 0, 3) ?? 0;
  const inputFidelity = reader.enumValue('input_fidelity', INPUT_FIDELITIES) ?? 'low';
  if (reader.has('input_fidelity') && model === 'gpt-image-1-mini') {
    throw unsupportedParameter('input_fidelity', model);
  }

  return {
    endpoint,
    model,
    family,
    prompt,
    n,
    size,
    quality,
    background,
    outputFormat,
    outputCompression,
    moderation: reader.enumValue('moderation', MODERATION_LEVELS) ?? 'auto',
    responseFormat: reader.enumValue('response_format', RESPONSE_FORMATS) ?? (family === 'gpt-image' ? 'b64_json' : 'url'),
    style: family === 'dall-e-3' ? (reader.enumValue('style', STYLES) ?? 'vivid') : undefined,
    stream,
    partialImages,
    inputFidelity,
    seed: reader.int('seed', 0, MAX_SEED),
    user: reader.string('user', { max: 256 }),
  };
}
