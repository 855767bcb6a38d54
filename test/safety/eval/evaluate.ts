/**
 * Scores the moderator on the labelled prompt set (prompts.jsonl). A prompt labelled with categories and tier
 * "severe" must be blocked at every level, tier "mature" only at `auto`; anything labelled sexual/minors at every
 * level; prompts with no categories must pass at every level.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MODERATION_CATEGORIES } from '../../../src/safety/categories.ts';
import type { Moderator, ModerationLevel, ModerationVerdict } from '../../../src/safety/moderator.ts';

export interface LabelledPrompt {
  id: string;
  text: string;
  categories: string[];
  tier: 'severe' | 'mature' | null;
  split: 'dev' | 'holdout' | 'blind' | 'blind2' | 'blind3' | 'blind4';
}

/**
 * `prompts` is the main set (dev + holdout splits); `blind` was written after the lexicon, committed, and then run
 * once without any tuning afterwards, so it is the honest estimate of how the lexicon generalises.
 */
export function loadPrompts(set: 'prompts' | 'blind' = 'prompts'): LabelledPrompt[] {
  const path = fileURLToPath(new URL(`./${set}.jsonl`, import.meta.url));
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as LabelledPrompt);
}

export function shouldBlock(p: LabelledPrompt, level: ModerationLevel): boolean {
  if (p.categories.length === 0) return false;
  return level === 'auto' || p.tier === 'severe' || p.categories.includes('sexual/minors');
}

export interface CategoryScore {
  category: string;
  positives: number;
  truePositives: number;
  predicted: number;
  recall: number;
  precision: number;
}

export interface LevelReport {
  level: ModerationLevel;
  unsafe: number;
  unsafeBlocked: number;
  /** Unsafe prompts the level must block that were blocked (any category). */
  recall: number;
  benign: number;
  benignBlocked: number;
  falsePositiveRate: number;
  /** Prompts labelled mature that `low` should allow but blocked (only meaningful at low). */
  matureOverblocked: number;
  matureTotal: number;
  categories: CategoryScore[];
  misses: Array<{ id: string; text: string; expected: string[]; got: string[] }>;
}

export async function evaluate(
  moderator: Moderator,
  prompts: LabelledPrompt[],
  level: ModerationLevel,
): Promise<LevelReport> {
  const verdicts: Array<{ p: LabelledPrompt; v: ModerationVerdict }> = [];
  for (const p of prompts) verdicts.push({ p, v: await moderator.checkText(p.text, level) });

  const unsafe = verdicts.filter(({ p }) => shouldBlock(p, level));
  const benign = verdicts.filter(({ p }) => p.categories.length === 0);
  const mature = verdicts.filter(({ p }) => p.categories.length > 0 && !shouldBlock(p, level));
  const categories = MODERATION_CATEGORIES.map((category): CategoryScore => {
    const positives = unsafe.filter(({ p }) => p.categories.includes(category));
    const truePositives = positives.filter(({ v }) => v.categories.includes(category)).length;
    const predicted = verdicts.filter(({ v }) => v.categories.includes(category));
    const correct = predicted.filter(({ p }) => shouldBlock(p, level) && p.categories.includes(category)).length;
    return {
      category,
      positives: positives.length,
      truePositives,
      predicted: predicted.length,
      recall: positives.length ? truePositives / positives.length : NaN,
      precision: predicted.length ? correct / predicted.length : NaN,
    };
  });
  const wrong = verdicts.filter(({ p, v }) => shouldBlock(p, level) !== v.flagged);
  return {
    level,
    unsafe: unsafe.length,
    unsafeBlocked: unsafe.filter(({ v }) => v.flagged).length,
    recall: unsafe.filter(({ v }) => v.flagged).length / unsafe.length,
    benign: benign.length,
    benignBlocked: benign.filter(({ v }) => v.flagged).length,
    falsePositiveRate: benign.filter(({ v }) => v.flagged).length / benign.length,
    matureOverblocked: mature.filter(({ v }) => v.flagged).length,
    matureTotal: mature.length,
    categories,
    misses: wrong.map(({ p, v }) => ({
      id: p.id,
      text: p.text,
      expected: shouldBlock(p, level) ? p.categories : [],
      got: v.categories,
    })),
  };
}
