/**
 * The offline text classifier: normalize, blank benign senses, run the lexicon and frame rules, score the prompt with
 * the learned model (text-model.ts), join the two (`combine`), then the rules that need two signals at once. Returns
 * findings with a tier; which tiers block is the policy's decision (policy.ts), not this file's.
 */
import { type ModerationCategory, MODERATION_CATEGORIES } from '../categories.ts';
import { normalizeText } from './normalize.ts';
import { blankBenignSenses } from './benign-senses.ts';
import { LEXICON, type TextTier } from './lexicon.ts';
import { anyOf, wordRe, OWN_ACQUAINTANCE } from './patterns.ts';
import { FRAME_RULES, MINOR_FRAME, MINOR_SEXUAL_FRAME } from './frames.ts';
import { stemText } from './stem.ts';
import { correctMisspellings, fuzzyHits } from './fuzzy.ts';
import { textModel, type ModelScores } from './text-model.ts';
import { DEFAULT_POLICY, type LevelPolicy } from '../policy.ts';
import type { ModerationLevel } from '../moderator.ts';

export interface TextFinding {
  category: ModerationCategory;
  tier: TextTier;
  /** The rule that fired (an id from the lexicon or this file); safe to log, holds no prompt text. */
  rule: string;
}

const MINOR = wordRe(anyOf(
  'child', 'children', 'childs', 'kid', 'kids', 'kiddie', 'minor', 'minors', 'underage', 'under age', 'teen', 'teens',
  'teenage', 'teenager', 'teenagers', 'preteen', 'pre teen', 'preteens', 'tween', 'tweens', 'schoolgirl',
  'schoolgirls', 'schoolboy', 'schoolboys', 'toddler', 'toddlers', 'baby', 'babies', 'infant', 'infants',
  'little girl', 'little girls', 'little boy', 'little boys', 'young girl', 'young girls', 'young boy', 'young boys',
  'high school girl', 'high school girls', 'high school boy', 'high school student', 'middle school girl',
  'middle schooler', 'middle schoolers', 'middle school student', 'middle school students', 'middle school kids',
  'high school students', 'high schoolers', 'junior high students', 'elementary school', 'primary school', 'newborn', 'juvenile', 'adolescent', 'adolescents',
  'boy scout', 'girl scout', 'schoolchild', 'schoolchildren', 'loli', 'shota', 'jailbait',
));

/** Words that are sexual only because a minor is present ("a kid in lingerie", "a seductive 12 year old"). */
const MINOR_SEXUAL_CUE = wordRe(anyOf(
  'lingerie', 'seductive', 'seductively', 'suggestive', 'suggestively', 'sexy', 'sensual', 'flirty', 'provocative',
  'provocatively', 'panties', 'thong', 'in bed with an adult', 'in bed with a man', 'in bed with a woman',
  'undressing', 'undressed', 'sexualized', 'sexualised', 'barely legal', 'erotic',
));

const NUMBER_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
};
const AGE_PATTERNS: readonly RegExp[] = [
  /\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)[\s-]*(?:years?|yrs?)[\s-]*old\b/g,
  /\b(\d{1,2})\s*(?:yo|y\/o|yrs?)\b/g,
  /\baged?\s*:?\s*(?:(?:around|about|maybe|roughly|of|like)\s+)?(\d{1,2})\b/g,
  // "she's 14", "he is only twelve": an age stated about the person depicted.
  /\b(?:she|he)\s*(?:'|’)?\s*(?:s|is)\s+(?:only\s+|just\s+|barely\s+|like\s+)?(\d{1,2}|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)\b(?!\s*(?:feet|ft|foot|inches|in|cm|m|meters|kg|lbs|pounds|minutes|min|hours|days|weeks|months|times|of|percent|%|am|pm|o ?clock|stars))/g,
];

/** True when the prompt states an age under 18 ("12yo", "fourteen year old", "age 16"). */
export function statesMinorAge(textWithDigits: string): boolean {
  for (const re of AGE_PATTERNS) {
    for (const m of textWithDigits.matchAll(re)) {
      const age = NUMBER_WORDS[m[1]] ?? Number.parseInt(m[1], 10);
      if (Number.isFinite(age) && age < 18) return true;
    }
  }
  return false;
}

const TIER_RANK: Record<TextTier, number> = { mature: 1, severe: 2 };
const TARGET = wordRe(OWN_ACQUAINTANCE);

/** What the rules alone found in a prompt, before the model's veto and additions (the two-signal rules come later). */
export interface RuleReading {
  findings: TextFinding[];
  /** A minor is mentioned (a word, a grade-level frame or a stated age under 18). */
  minor: boolean;
  /** A sexual cue that is sexual only because a minor is present ("a kid in lingerie"). */
  minorSexualCue: boolean;
  /** The requester's own acquaintance is named ("my ex", "the girl from my class"). */
  acquaintance: boolean;
  /** The primary normalized reading, benign senses blanked: what the text model reads too. */
  primaryReading: string;
}

export function readRules(text: string): RuleReading {
  const normalized = normalizeText(text);
  const base = [normalized.primary, ...normalized.alternates].map(blankBenignSenses);
  // misspelled minor and nudity words ("childern", "naekd") get a corrected reading of their own
  const readings = [...base, ...base.map(correctMisspellings).filter((r) => !base.includes(r))];
  const findings: TextFinding[] = [];
  for (const r of LEXICON) {
    if (readings.some((reading) => r.pattern.test(reading))) findings.push({ category: r.category, tier: r.tier, rule: r.id });
  }
  // The frame rules read stemmed text so one word list covers every inflection.
  const stemmed = readings.map(stemText);
  for (const r of FRAME_RULES) {
    if (stemmed.some((reading) => r.pattern.test(reading))) findings.push({ category: r.category, tier: r.tier, rule: r.id });
  }
  for (const hit of readings.flatMap(fuzzyHits)) {
    findings.push({ category: hit.category, tier: hit.tier, rule: `fuzzy.${hit.category}` });
  }
  return {
    primaryReading: base[0],
    findings,
    minor: readings.some((r) => MINOR.test(r)) || stemmed.some((r) => MINOR_FRAME.test(r)) || statesMinorAge(normalized.withDigits),
    minorSexualCue: readings.some((r) => MINOR_SEXUAL_CUE.test(r)) || stemmed.some((r) => MINOR_SEXUAL_FRAME.test(r)),
    acquaintance: readings.some((r) => TARGET.test(r)),
  };
}

/** The model thresholds of both levels; `classifyText` without a level emits findings that serve both. */
export type ModelThresholdsByLevel = Record<ModerationLevel, Pick<LevelPolicy, 'textModel'>>;

/**
 * Joins the rules and the model's scores into findings:
 * 1. weak (mature-tier) rule hits whose category the model scores below the veto are dropped: a single watched word
 *    in an innocent context ("murder" in a book title, a cocktail name). Severe hits and sexual/minors always stand;
 * 2. the model adds a finding where its score reaches the level's threshold (paraphrases, misspellings, slang);
 * 3. the two-signal rules run on the result: a minor with any sexual signal is sexual/minors; sexual or violent
 *    imagery of the requester's acquaintance is harassment.
 * With `level`, the model findings are exactly what that level blocks (tier = what the level blocks from). Without
 * it, the default thresholds of both levels are applied: the auto heads as "mature" findings, the low heads as
 * "severe" ones, so a tier filter per level (policy.ts textTierBlocks) gives each level its own thresholds.
 */
export function combine(rules: RuleReading, scores: ModelScores, level?: LevelPolicy, defaults: ModelThresholdsByLevel = DEFAULT_POLICY.levels): TextFinding[] {
  const veto = level ? level.textModel.veto : defaults.auto.textModel.veto;
  // With a minor present every sexual hint counts (it makes the prompt sexual/minors below): never vetoed.
  const found = rules.findings.filter(
    (f) => f.tier === 'severe' || f.category === 'sexual/minors' || (rules.minor && f.category === 'sexual')
      || scores.any[f.category] >= veto,
  );
  for (const category of MODERATION_CATEGORIES) {
    // Where a rule already placed the category at "mature" (a hate symbol, nudity, depicted violence), the rule's tier
    // stands: the lexicon states the policy's tier boundary, which is exactly where labelled data disagrees most.
    const ruleSaysMature = found.some((f) => f.category === category && f.tier === 'mature');
    const severeAllowed = !ruleSaysMature || category === 'sexual/minors';
    if (level) {
      const from = level.text[category];
      const t = level.textModel.block[category];
      if (from === 'off' || t === null || (from === 'severe' && !severeAllowed)) continue;
      const p = from === 'mature' ? scores.any[category] : scores.severe[category];
      if (p >= t) found.push({ category, tier: from, rule: `model.${category}` });
    } else {
      const tAuto = defaults.auto.textModel.block[category];
      const tLow = defaults.low.textModel.block[category];
      if (severeAllowed && tLow !== null && scores.severe[category] >= tLow) found.push({ category, tier: 'severe', rule: `model.${category}` });
      else if (tAuto !== null && scores.any[category] >= tAuto) found.push({ category, tier: 'mature', rule: `model.${category}` });
    }
  }

  const sexual = found.some((f) => f.category === 'sexual');
  if (rules.minor && (sexual || rules.minorSexualCue)) {
    found.push({ category: 'sexual/minors', tier: 'severe', rule: 'minors.minor-plus-sexual' });
  }
  // Sexual imagery of a named acquaintance is non-consensual intimate imagery: harassment at every level.
  if (sexual && rules.acquaintance) {
    found.push({ category: 'harassment', tier: 'severe', rule: 'harassment.sexualised-acquaintance' });
  }
  // Violent imagery of a named acquaintance reads as a threat against them.
  if (found.some((f) => f.category === 'violence/graphic') && rules.acquaintance) {
    found.push({ category: 'harassment', tier: 'severe', rule: 'harassment.violence-against-acquaintance' });
  }
  const strongest = strongestPerCategory(found);
  // "sexual/minors" subsumes "sexual": report the one category that says what was wrong.
  return strongest.some((f) => f.category === 'sexual/minors')
    ? strongest.filter((f) => f.category !== 'sexual')
    : strongest;
}

/**
 * The offline verdict for a prompt: rules and the shipped model together (see `combine`). Pass the level's policy to
 * apply its own (possibly operator-configured) thresholds; without it the default thresholds are used.
 */
export function classifyText(text: string, level?: LevelPolicy): TextFinding[] {
  const rules = readRules(text);
  return combine(rules, textModel().scoreReading(rules.primaryReading), level);
}

/** One finding per category, the most severe one, in canonical category order. */
function strongestPerCategory(findings: TextFinding[]): TextFinding[] {
  const best = new Map<ModerationCategory, TextFinding>();
  for (const f of findings) {
    const prev = best.get(f.category);
    if (!prev || TIER_RANK[f.tier] > TIER_RANK[prev.tier]) best.set(f.category, f);
  }
  return MODERATION_CATEGORIES.flatMap((c) => best.get(c) ?? []);
}
