/**
 * Token accounting exactly as OpenAI bills gpt-image-1 (reference §5): text tokens with o200k_base, output image tokens
 * by size and quality, +100 output tokens per streamed partial image, input image tokens by 512px tiles and fidelity.
 *
 * Local models use these same rules by default so a platform bills identically whatever runs underneath; a model can
 * override any part through `TokenRules` (the optional second argument of `imageUsage`).
 */
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';

export type UsageQuality = 'low' | 'medium' | 'high';
export type InputFidelity = 'low' | 'high';

/** OpenAI's `usage` object for image responses (ImageGenUsage). */
export interface ImageUsage {
  input_tokens: number;
  input_tokens_details: { text_tokens: number; image_tokens: number };
  output_tokens: number;
  output_tokens_details: { image_tokens: number; text_tokens: number };
  total_tokens: number;
}

/** Output image tokens for one image, keyed by `WxH` (reference §5.1). */
export type OutputTokenTable = Record<string, Record<UsageQuality, number>>;

/** Everything that decides a token count; every field has OpenAI's gpt-image-1 value by default. */
export interface TokenRules {
  /** Output tokens per image by size; sizes outside the table scale the `1024x1024` row by pixel area. */
  outputTokens: OutputTokenTable;
  /** Extra output image tokens per streamed partial image. */
  partialImageTokens: number;
  /** Input images: `base + perTile * tiles` after fitting in `maxSide` and scaling the shortest side to `tileSize`. */
  inputImage: { base: number; perTile: number; tileSize: number; maxSide: number };
  /** Fixed extra input tokens per image at `input_fidelity=high`, by aspect. */
  highFidelity: { square: number; other: number };
}

export const GPT_IMAGE_1_TOKEN_RULES: TokenRules = Object.freeze({
  outputTokens: {
    '1024x1024': { low: 272, medium: 1056, high: 4160 },
    '1024x1536': { low: 408, medium: 1584, high: 6240 },
    '1536x1024': { low: 400, medium: 1568, high: 6208 },
  },
  partialImageTokens: 100,
  inputImage: { base: 65, perTile: 129, tileSize: 512, maxSide: 2048 },
  highFidelity: { square: 4160, other: 6240 },
});

/** Each streamed partial image costs this many extra output image tokens. */
export const PARTIAL_IMAGE_TOKENS = GPT_IMAGE_1_TOKEN_RULES.partialImageTokens;

export function textTokens(prompt: string): number {
  return countTokens(prompt);
}

/** Output tokens for one image. Sizes outside the table scale the square count by pixel area. */
export function outputImageTokens(
  width: number,
  height: number,
  quality: UsageQuality,
  rules: TokenRules = GPT_IMAGE_1_TOKEN_RULES,
): number {
  const known = rules.outputTokens[`${width}x${height}`];
  if (known) return known[quality];
  const square = rules.outputTokens['1024x1024']?.[quality] ?? GPT_IMAGE_1_TOKEN_RULES.outputTokens['1024x1024'][quality];
  return Math.round((square * width * height) / (1024 * 1024));
}

/**
 * Input tokens for one input image: fit within 2048x2048, scale the shortest side to 512, count 512px tiles;
 * 65 base + 129 per tile. High fidelity adds a fixed amount by aspect (square 4160, otherwise 6240).
 */
export function inputImageTokens(
  width: number,
  height: number,
  fidelity: InputFidelity,
  rules: TokenRules = GPT_IMAGE_1_TOKEN_RULES,
): number {
  const { base, perTile, tileSize, maxSide } = rules.inputImage;
  let w = width;
  let h = height;
  const fit = Math.min(1, maxSide / Math.max(w, h));
  w *= fit;
  h *= fit;
  const scale = tileSize / Math.min(w, h);
  w *= scale;
  h *= scale;
  const tiles = Math.ceil(Math.round(w) / tileSize) * Math.ceil(Math.round(h) / tileSize);
  let tokens = base + perTile * tiles;
  if (fidelity === 'high') tokens += width === height ? rules.highFidelity.square : rules.highFidelity.other;
  return tokens;
}

export interface UsageInput {
  prompt: string;
  width: number;
  height: number;
  quality: UsageQuality;
  n: number;
  /** Partial images per output image actually streamed. */
  partialImages: number;
  inputImages: Array<{ width: number; height: number }>;
  inputFidelity: InputFidelity;
}

export function imageUsage(input: UsageInput, rules: TokenRules = GPT_IMAGE_1_TOKEN_RULES): ImageUsage {
  const text = textTokens(input.prompt);
  const image = input.inputImages.reduce(
    (sum, im) => sum + inputImageTokens(im.width, im.height, input.inputFidelity, rules),
    0,
  );
  const perImage = outputImageTokens(input.width, input.height, input.quality, rules);
  const output = input.n * (perImage + input.partialImages * rules.partialImageTokens);
  return {
    input_tokens: text + image,
    input_tokens_details: { text_tokens: text, image_tokens: image },
    output_tokens: output,
    output_tokens_details: { image_tokens: output, text_tokens: 0 },
    total_tokens: text + image + output,
  };
}
