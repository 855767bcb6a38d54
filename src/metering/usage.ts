/**
 * Token accounting exactly as OpenAI bills gpt-image-1 (reference §5): text tokens with o200k_base, output image tokens
 * by size and quality, +100 output tokens per streamed partial image, input image tokens by 512px tiles and fidelity.
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

/** Output image tokens for one image of gpt-image-1 (reference §5.1). */
const OUTPUT_TOKENS: Record<string, Record<UsageQuality, number>> = {
  '1024x1024': { low: 272, medium: 1056, high: 4160 },
  '1024x1536': { low: 408, medium: 1584, high: 6240 },
  '1536x1024': { low: 400, medium: 1568, high: 6208 },
};

/** Each streamed partial image costs this many extra output image tokens. */
export const PARTIAL_IMAGE_TOKENS = 100;

export function textTokens(prompt: string): number {
  return countTokens(prompt);
}

/** Output tokens for one image. Sizes outside OpenAI's table scale the square count by pixel area. */
export function outputImageTokens(width: number, height: number, quality: UsageQuality): number {
  const known = OUTPUT_TOKENS[`${width}x${height}`];
  if (known) return known[quality];
  const square = OUTPUT_TOKENS['1024x1024'][quality];
  return Math.round((square * width * height) / (1024 * 1024));
}

/**
 * Input tokens for one input image: fit within 2048x2048, scale the shortest side to 512, count 512px tiles;
 * 65 base + 129 per tile. High fidelity adds a fixed amount by aspect (square 4160, otherwise 6240).
 */
export function inputImageTokens(width: number, height: number, fidelity: InputFidelity): number {
  let w = width;
  let h = height;
  const fit = Math.min(1, 2048 / Math.max(w, h));
  w *= fit;
  h *= fit;
  const shortest = Math.min(w, h);
  const scale = 512 / shortest;
  w *= scale;
  h *= scale;
  const tiles = Math.ceil(Math.round(w) / 512) * Math.ceil(Math.round(h) / 512);
  let tokens = 65 + 129 * tiles;
  if (fidelity === 'high') tokens += width === height ? 4160 : 6240;
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

export function imageUsage(input: UsageInput): ImageUsage {
  const text = textTokens(input.prompt);
  const image = input.inputImages.reduce((sum, im) => sum + inputImageTokens(im.width, im.height, input.inputFidelity), 0);
  const perImage = outputImageTokens(input.width, input.height, input.quality);
  const output = input.n * (perImage + input.partialImages * PARTIAL_IMAGE_TOKENS);
  return {
    input_tokens: text + image,
    input_tokens_details: { text_tokens: text, image_tokens: image },
    output_tokens: output,
    output_tokens_details: { image_tokens: output, text_tokens: 0 },
    total_tokens: text + image + output,
  };
}
