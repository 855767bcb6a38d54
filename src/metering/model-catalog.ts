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
    for (const model of Object.keys(overrides)) validatePrice(model, this.lookup(model).price);
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
