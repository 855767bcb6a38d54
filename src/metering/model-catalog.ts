/**
 * Which prices and token rules apply to a model name. Known OpenAI models get their published prices; any other
 * model (a local one, or an alias) gets the `"*"` entry, which defaults to gpt-image-1 so a platform bills the same
 * whatever engine runs underneath. Operators override per model in `$ATELIER_HOME/metering.json`:
 *
 *   { "models": { "atelier-shapes": { "price": { "imageOutput": 0 } },
 *                 "*": { "price": { "textInput": 1, "imageInput": 1, "imageOutput": 4, "textOutput": 0 } } } }
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PRICES, FALLBACK_PRICE, validatePrice, type ModelPrice } from './price-table.ts';
import { GPT_IMAGE_1_TOKEN_RULES, type TokenRules } from './usage.ts';

export interface ModelMetering {
  price: ModelPrice;
  tokens: TokenRules;
}

export interface ModelOverride {
  price?: Partial<ModelPrice>;
  tokens?: Partial<TokenRules>;
}

export interface MeteringFileConfig {
  models?: Record<string, ModelOverride>;
}

export const METERING_CONFIG_FILE = 'metering.json';

export class ModelCatalog {
  private readonly overrides: Record<string, ModelOverride>;

  constructor(overrides: Record<string, ModelOverride> = {}) {
    this.overrides = overrides;
    for (const model of Object.keys(overrides)) {
      const { price, tokens } = this.lookup(model);
      validatePrice(model, price);
      validateTokenRules(model, tokens);
    }
  }

  lookup(model: string): ModelMetering {
    const base = DEFAULT_PRICES[model];
    const own = this.overrides[model];
    const wildcard = this.overrides['*'];
    // A known model starts from its published price; an unknown one from the "*" entry, then gpt-image-1.
    const priceBase: ModelPrice = base ?? { ...FALLBACK_PRICE, ...wildcard?.price };
    const tokensBase: TokenRules = base ? GPT_IMAGE_1_TOKEN_RULES : { ...GPT_IMAGE_1_TOKEN_RULES, ...wildcard?.tokens };
    return {
      price: { ...priceBase, ...own?.price },
      tokens: { ...tokensBase, ...own?.tokens },
    };
  }
}

function count(model: string, field: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 10_000_000) {
    throw new Error(`metering: token rule '${field}' of model '${model}' must be a whole number >= 0`);
  }
}

/** A typo in metering.json must fail loudly at start, not bill NaN. */
function validateTokenRules(model: string, rules: TokenRules): void {
  if (typeof rules.outputTokens !== 'object' || rules.outputTokens === null) {
    throw new Error(`metering: 'outputTokens' of model '${model}' must map "WxH" to {low, medium, high}`);
  }
  for (const [size, row] of Object.entries(rules.outputTokens)) {
    if (!/^\d{1,5}x\d{1,5}$/.test(size)) throw new Error(`metering: size '${size}' of model '${model}' is not WxH`);
    for (const q of ['low', 'medium', 'high'] as const) count(model, `outputTokens.${size}.${q}`, row?.[q]);
  }
  count(model, 'partialImageTokens', rules.partialImageTokens);
  for (const f of ['base', 'perTile', 'tileSize', 'maxSide'] as const) count(model, `inputImage.${f}`, rules.inputImage?.[f]);
  if (rules.inputImage.tileSize === 0 || rules.inputImage.maxSide === 0) {
    throw new Error(`metering: inputImage.tileSize and maxSide of model '${model}' must be positive`);
  }
  for (const f of ['square', 'other'] as const) count(model, `highFidelity.${f}`, rules.highFidelity?.[f]);
}

/** Reads `$home/metering.json` when it exists; a malformed file is an error, never silently ignored. */
export function loadMeteringConfig(home: string): MeteringFileConfig {
  const path = join(home, METERING_CONFIG_FILE);
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`metering: ${path} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`metering: ${path} must hold a JSON object like {"models": {...}}`);
  }
  const models = (parsed as { models?: unknown }).models;
  if (models !== undefined && (typeof models !== 'object' || models === null || Array.isArray(models))) {
    throw new Error(`metering: "models" in ${path} must be an object keyed by model name`);
  }
  return { models: models as Record<string, ModelOverride> | undefined };
}
