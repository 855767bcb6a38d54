/**
 * Per-model prices in USD per 1M tokens (reference §5.3) and the cost of one request's usage.
 *
 * Costs are computed and stored as integer nano-dollars (1e-9 USD): every published price has at most three decimals
 * per million tokens, so a per-token price is a whole number of nano-dollars and sums never drift the way float
 * dollars do over millions of ledger rows.
 */
import type { ImageUsage } from './usage.ts';

/** USD per 1M tokens. `textOutput` is billed only by models that return text (none of the image endpoints today). */
export interface ModelPrice {
  textInput: number;
  imageInput: number;
  imageOutput: number;
  textOutput: number;
}

/** Cost of one request split by line item, in nano-dollars. */
export interface CostBreakdown {
  textInput: number;
  imageInput: number;
  imageOutput: number;
  textOutput: number;
  total: number;
}

export const NANO_PER_USD = 1_000_000_000;

export const DEFAULT_PRICES: Readonly<Record<string, ModelPrice>> = Object.freeze({
  'gpt-image-1': { textInput: 5, imageInput: 10, imageOutput: 40, textOutput: 0 },
  'gpt-image-1-mini': { textInput: 2, imageInput: 2.5, imageOutput: 8, textOutput: 0 },
  'gpt-image-1.5': { textInput: 5, imageInput: 8, imageOutput: 32, textOutput: 10 },
  // chatgpt-image-latest is billed as gpt-image-1.5 (reference §5.3).
  'chatgpt-image-latest': { textInput: 5, imageInput: 8, imageOutput: 32, textOutput: 10 },
});

/** What a model without its own entry costs: gpt-image-1's prices, so local models bill like the model they stand in for. */
export const FALLBACK_PRICE: ModelPrice = DEFAULT_PRICES['gpt-image-1'];

/** Nano-dollars per token for a price in USD per 1M tokens. */
function nanoPerToken(usdPerMillion: number): number {
  return Math.round(usdPerMillion * 1000);
}

export function costOf(usage: ImageUsage, price: ModelPrice): CostBreakdown {
  const textInput = usage.input_tokens_details.text_tokens * nanoPerToken(price.textInput);
  const imageInput = usage.input_tokens_details.image_tokens * nanoPerToken(price.imageInput);
  const imageOutput = usage.output_tokens_details.image_tokens * nanoPerToken(price.imageOutput);
  const textOutput = usage.output_tokens_details.text_tokens * nanoPerToken(price.textOutput);
  return { textInput, imageInput, imageOutput, textOutput, total: textInput + imageInput + imageOutput + textOutput };
}

export function nanoToUsd(nano: number): number {
  return nano / NANO_PER_USD;
}

export function usdToNano(usd: number): number {
  return Math.round(usd * NANO_PER_USD);
}

/** Rejects prices that would make a bill meaningless (negative, NaN, absurd). */
export function validatePrice(model: string, price: ModelPrice): void {
  for (const [field, value] of Object.entries(price)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1_000_000) {
      throw new Error(`metering: price '${field}' of model '${model}' must be a number of USD per 1M tokens >= 0`);
    }
  }
}
