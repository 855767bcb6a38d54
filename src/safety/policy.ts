/**
 * Moderation policy: what each level blocks. Operators override parts of it in configuration; `resolvePolicy`
 * merges and validates, and refuses any setting that would let sexual content involving minors through.
 */
import { MODERATION_CATEGORIES, type ModerationCategory, isModerationCategory } from './categories.ts';
import type { ModerationLevel } from './moderator.ts';
import type { TextTier } from './text/lexicon.ts';

/** For one category: the lowest text tier that blocks. "mature" blocks both tiers, "severe" only severe, "off" none. */
export type TextBlockFrom = TextTier | 'off';

/**
 * Thresholds on the image model's class probabilities (nsfwjs: Drawing, Hentai, Neutral, Porn, Sexy). An image is
 * blocked as "sexual" when a class probability reaches its threshold, or Porn + Hentai together reach `explicitSum`.
 * `null` disables a check.
 */
export interface ImageThresholds {
  porn: number | null;
  hentai: number | null;
  sexy: number | null;
  explicitSum: number | null;
}

/**
 * Thresholds on the learned text model's probabilities (text/text-model.ts) at one level. For each category the level
 * reads the head that matches what it blocks: where `text` blocks from "mature" the any-tier head, where it blocks
 * only "severe" the severe head. A lower threshold blocks more.
 */
export interface TextModelThresholds {
  /** Per category: the model score from which the category is blocked; null: the model adds nothing there. */
  block: Record<ModerationCategory, number | null>;
  /**
   * Context veto: a weak ("mature"-tier) rule finding is dropped when the model's any-tier score for its category is
   * below this ("murder" in a book title). Severe rule findings and sexual/minors are never vetoed. 0 disables it.
   */
  veto: number;
}

export interface LevelPolicy {
  text: Record<ModerationCategory, TextBlockFrom>;
  textModel: TextModelThresholds;
  image: ImageThresholds;
  /** External moderator: block a category when its score reaches this (ignored when no external URL is set). */
  externalScore: number;
}

export interface ModerationPolicy {
  levels: Record<ModerationLevel, LevelPolicy>;
  /**
   * n > 1: "drop" returns the outputs that passed and omits blocked ones (the request fails only when every output is
   * blocked); "reject" fails the whole request when any output is blocked.
   */
  partialOutputs: 'drop' | 'reject';
  /** Audit log: also record the prompt text of blocked requests. Off by default (privacy). */
  auditIncludesPrompt: boolean;
  /** External moderator failures: false (default) fails the request closed with a 503; true lets it through. */
  externalFailOpen: boolean;
  /** External moderator timeout in milliseconds. */
  externalTimeoutMs: number;
  /** Model name sent to the external /v1/moderations endpoint. */
  externalModel: string;
  /** Sentence after "If you believe this is an error," in the block message. */
  contact: string;
}

/** Partial policy as read from configuration: any level, category or field may be left out. */
export interface ModerationPolicyOverrides {
  levels?: Partial<Record<ModerationLevel, {
    text?: Partial<Record<string, TextBlockFrom>>;
    textModel?: { block?: Partial<Record<string, number | null>>; veto?: number };
    image?: Partial<ImageThresholds>;
    externalScore?: number;
  }>>;
  partialOutputs?: 'drop' | 'reject';
  auditIncludesPrompt?: boolean;
  externalFailOpen?: boolean;
  externalTimeoutMs?: number;
  externalModel?: string;
  contact?: string;
}

/**
 * Default model thresholds, chosen by cross-validation on the training corpus (scripts/train-text-moderation.ts
 * prints them; never tuned on an evaluation set). `auto` reads the any-tier heads with the lower thresholds, `low`
 * the severe heads with higher ones.
 */
const AUTO_MODEL: TextModelThresholds = {
  block: {
    sexual: 0.5, 'sexual/minors': null, 'violence/graphic': 0.5, 'self-harm': 0.8,
    hate: 0.75, harassment: 0.5, illicit: 0.8,
  },
  veto: 0.03,
};
const LOW_MODEL: TextModelThresholds = {
  block: {
    sexual: 0.9, 'sexual/minors': null, 'violence/graphic': 0.8, 'self-harm': 0.8,
    hate: 0.8, harassment: 0.8, illicit: 0.8,
  },
  veto: 0.03,
};

function allCategories(from: TextBlockFrom): Record<ModerationCategory, TextBlockFrom> {
  return Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, from])) as Record<ModerationCategory, TextBlockFrom>;
}

/**
 * Defaults. `auto` blocks mature content (nudity, depicted violence and drug use, hate symbols) as well as severe;
 * `low` blocks only severe content. Image thresholds: nsfwjs's MobileNetV2 "Sexy" class fires on swimwear and
 * tight clothing, so only `auto` uses it and only when confident; "Porn"/"Hentai" block at both levels.
 */
export const DEFAULT_POLICY: ModerationPolicy = {
  levels: {
    auto: {
      text: allCategories('mature'),
      textModel: AUTO_MODEL,
      image: { porn: 0.5, hentai: 0.5, sexy: 0.7, explicitSum: 0.6 },
      externalScore: 0.5,
    },
    low: {
      // Sexual content involving minors is blocked at any tier, at every level.
      text: { ...allCategories('severe'), 'sexual/minors': 'mature' },
      textModel: LOW_MODEL,
      image: { porn: 0.75, hentai: 0.75, sexy: null, explicitSum: 0.85 },
      externalScore: 0.8,
    },
  },
  partialOutputs: 'drop',
  auditIncludesPrompt: false,
  externalFailOpen: false,
  externalTimeoutMs: 5000,
  externalModel: 'omni-moderation-latest',
  contact: 'contact the operator of this server',
};

/** Thrown for an invalid policy at startup: configuration mistakes must stop the server, not weaken moderation. */
export class ModerationPolicyError extends Error {
  constructor(message: string) {
    super(`Invalid moderation policy: ${message}`);
    this.name = 'ModerationPolicyError';
  }
}

function checkThreshold(where: string, value: number | null | undefined): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new ModerationPolicyError(`${where} must be a number from 0 to 1 or null, got ${JSON.stringify(value)}`);
  }
}

function resolveTextModel(
  level: ModerationLevel,
  base: TextModelThresholds,
  o: { block?: Partial<Record<string, number | null>>; veto?: number } | undefined,
): TextModelThresholds {
  const block = { ...base.block };
  for (const [category, t] of Object.entries(o?.block ?? {})) {
    if (!isModerationCategory(category)) {
      throw new ModerationPolicyError(`levels.${level}.textModel.block: unknown category "${category}"; known: ${MODERATION_CATEGORIES.join(', ')}`);
    }
    checkThreshold(`levels.${level}.textModel.block.${category}`, t);
    const previous = block[category];
    // The minors rules always run; the model's threshold for them may be made stricter, never looser.
    if (category === 'sexual/minors' && (t === null || t === undefined || (previous !== null && t > previous))) {
      throw new ModerationPolicyError(`sexual/minors cannot be relaxed: levels.${level}.textModel.block may only lower its threshold`);
    }
    block[category] = t ?? null;
  }
  const veto = o?.veto ?? base.veto;
  checkThreshold(`levels.${level}.textModel.veto`, veto);
  return { block, veto };
}

export function resolvePolicy(overrides: ModerationPolicyOverrides = {}): ModerationPolicy {
  const levels = {} as Record<ModerationLevel, LevelPolicy>;
  for (const level of ['auto', 'low'] as const) {
    const base = DEFAULT_POLICY.levels[level];
    const o = overrides.levels?.[level] ?? {};
    const text = { ...base.text };
    for (const [category, from] of Object.entries(o.text ?? {})) {
      if (!isModerationCategory(category)) {
        throw new ModerationPolicyError(`levels.${level}.text: unknown category "${category}"; known: ${MODERATION_CATEGORIES.join(', ')}`);
      }
      if (from !== 'mature' && from !== 'severe' && from !== 'off') {
        throw new ModerationPolicyError(`levels.${level}.text.${category} must be "mature", "severe" or "off"`);
      }
      text[category] = from;
    }
    if (text['sexual/minors'] !== 'mature') {
      throw new ModerationPolicyError(`sexual/minors is blocked at every level and cannot be relaxed (levels.${level})`);
    }
    const textModel = resolveTextModel(level, base.textModel, o.textModel);
    const image = { ...base.image, ...(o.image ?? {}) };
    for (const [k, v] of Object.entries(image)) checkThreshold(`levels.${level}.image.${k}`, v);
    const externalScore = o.externalScore ?? base.externalScore;
    checkThreshold(`levels.${level}.externalScore`, externalScore);
    levels[level] = { text, textModel, image, externalScore };
  }
  const partialOutputs = overrides.partialOutputs ?? DEFAULT_POLICY.partialOutputs;
  if (partialOutputs !== 'drop' && partialOutputs !== 'reject') {
    throw new ModerationPolicyError('partialOutputs must be "drop" or "reject"');
  }
  const externalTimeoutMs = overrides.externalTimeoutMs ?? DEFAULT_POLICY.externalTimeoutMs;
  if (!Number.isInteger(externalTimeoutMs) || externalTimeoutMs < 100 || externalTimeoutMs > 60_000) {
    throw new ModerationPolicyError('externalTimeoutMs must be an integer from 100 to 60000');
  }
  return {
    levels,
    partialOutputs,
    auditIncludesPrompt: overrides.auditIncludesPrompt ?? DEFAULT_POLICY.auditIncludesPrompt,
    externalFailOpen: overrides.externalFailOpen ?? DEFAULT_POLICY.externalFailOpen,
    externalTimeoutMs,
    externalModel: overrides.externalModel ?? DEFAULT_POLICY.externalModel,
    contact: overrides.contact ?? DEFAULT_POLICY.contact,
  };
}

const TIER_RANK: Record<TextBlockFrom, number> = { mature: 1, severe: 2, off: 3 };

/** Whether a text finding of `tier` in `category` is blocked at this level. */
export function textTierBlocks(level: LevelPolicy, category: ModerationCategory, tier: TextTier): boolean {
  return TIER_RANK[tier] >= TIER_RANK[level.text[category]];
}
