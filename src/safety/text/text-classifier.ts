/**
 * The offline text classifier: normalize, blank benign senses, run the lexicon, then the rules that need two signals
 * at once. Returns findings with a tier; which tiers block is the policy's decision (policy.ts), not this file's.
 */
import { type ModerationCategory, MODERATION_CATEGORIES } from '../categories.ts';
import { normalizeText } from './normalize.ts';
import { blankBenignSenses } from './benign-senses.ts';
import { LEXICON, type TextTier } from './lexicon.ts';
import { anyOf, wordRe, OWN_ACQUAINTANCE } from './patterns.ts';
import { FRAME_RULES, MINOR_FRAME, MINOR_SEXUAL_FRAME } from './frames.ts';
import { stemText } from './stem.ts';
import { fuzzyHits } from './fuzzy.ts';

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
  'middle schooler', 'elementary school', 'primary school', 'newborn', 'juvenile', 'adolescent', 'adolescents',
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

export function classifyText(text: string): TextFinding[] {
  const normalized = normalizeText(text);
  const readings = [normalized.primary, ...normalized.alternates].map(blankBenignSenses);
  const found: TextFinding[] = [];
  for (const r of LEXICON) {
    if (readings.some((reading) => r.pattern.test(reading))) found.push({ category: r.category, tier: r.tier, rule: r.id });
  }
  // The frame rules read stemmed text so one word list covers every inflection.
  const stemmed = readings.map(stemText);
  for (const r of FRAME_RULES) {
    if (stemmed.some((reading) => r.pattern.test(reading))) found.push({ category: r.category, tier: r.tier, rule: r.id });
  }
  for (const hit of readings.flatMap(fuzzyHits)) {
    found.push({ category: hit.category, tier: hit.tier, rule: `fuzzy.${hit.category}` });
  }

  const sexual = found.some((f) => f.category === 'sexual');
  const minor = readings.some((r) => MINOR.test(r)) || stemmed.some((r) => MINOR_FRAME.test(r)) || statesMinorAge(normalized.withDigits);
  if (minor && (sexual || readings.some((r) => MINOR_SEXUAL_CUE.test(r)) || stemmed.some((r) => MINOR_SEXUAL_FRAME.test(r)))) {
    found.push({ category: 'sexual/minors', tier: 'severe', rule: 'minors.minor-plus-sexual' });
  }
  // Sexual imagery of a named acquaintance is non-consensual intimate imagery: harassment at every level.
  if (sexual && readings.some((r) => TARGET.test(r))) {
    found.push({ category: 'harassment', tier: 'severe', rule: 'harassment.sexualised-acquaintance' });
  }
  // Violent imagery of a named acquaintance reads as a threat against them.
  if (found.some((f) => f.category === 'violence/graphic') && readings.some((r) => TARGET.test(r))) {
    found.push({ category: 'harassment', tier: 'severe', rule: 'harassment.violence-against-acquaintance' });
  }
  const strongest = strongestPerCategory(found);
  // "sexual/minors" subsumes "sexual": report the one category that says what was wrong.
  return strongest.some((f) => f.category === 'sexual/minors')
    ? strongest.filter((f) => f.category !== 'sexual')
    : strongest;
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
