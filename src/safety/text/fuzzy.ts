/**
 * Misspellings of unambiguous words: a token one edit (insert, delete, substitute, swap adjacent letters) away from a
 * long severe term is read as that term ("masterbating", "decapitaded", "fentanil"). Only words of 6+ letters with no
 * innocent one-edit neighbour are listed; "heroin" (heroine) and short words are deliberately absent.
 */
import type { ModerationCategory } from '../categories.ts';
import type { TextTier } from './lexicon.ts';

interface FuzzyTerm { word: string; category: ModerationCategory; tier: TextTier }

const TERMS: readonly FuzzyTerm[] = [
  ...['pornographic', 'pornography', 'masturbating', 'masturbation', 'masturbate', 'intercourse', 'ejaculating',
    'ejaculation', 'blowjob', 'handjob', 'creampie', 'gangbang', 'penetration', 'genitals', 'genitalia', 'vagina',
    'clitoris', 'testicles', 'threesome', 'bestiality']
    .map((word): FuzzyTerm => ({ word, category: 'sexual', tier: 'severe' })),
  ...['pedophile', 'paedophile', 'pedophilia', 'lolicon', 'shotacon', 'jailbait']
    .map((word): FuzzyTerm => ({ word, category: 'sexual/minors', tier: 'severe' })),
  ...['decapitated', 'decapitation', 'beheading', 'dismembered', 'dismemberment', 'disemboweled', 'disembowelled',
    'eviscerated', 'mutilated', 'mutilation', 'entrails']
    .map((word): FuzzyTerm => ({ word, category: 'violence/graphic', tier: 'severe' })),
  ...['suicidal'].map((word): FuzzyTerm => ({ word, category: 'self-harm', tier: 'mature' })),
  ...['thinspiration', 'thinspo'].map((word): FuzzyTerm => ({ word, category: 'self-harm', tier: 'severe' })),
  ...['nigger', 'niggers', 'faggot', 'faggots', 'wetback', 'raghead', 'towelhead']
    .map((word): FuzzyTerm => ({ word, category: 'hate', tier: 'severe' })),
  ...['swastika', 'swastikas'].map((word): FuzzyTerm => ({ word, category: 'hate', tier: 'mature' })),
  ...['methamphetamine', 'fentanyl', 'cocaine']
    .map((word): FuzzyTerm => ({ word, category: 'illicit', tier: 'mature' })),
];

/** Real words one edit from a listed term, which must never be read as it. */
const INNOCENT = new Set(['vaginal', 'cocaines', 'insects', 'swastik']);

/** Damerau-Levenshtein distance capped at 2 (enough to ask "is it exactly one edit?"). */
function editDistanceAtMost1(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // adjacent swap
  }
  const [longer, shorter] = a.length > b.length ? [a, b] : [b, a];
  return longer.slice(i + 1) === shorter.slice(i); // one insertion/deletion
}

export interface FuzzyHit { category: ModerationCategory; tier: TextTier; term: string }

/** Tokens of a normalized reading that are one edit from a severe term. Exact spellings are the lexicon's job. */
export function fuzzyHits(normalized: string): FuzzyHit[] {
  const hits: FuzzyHit[] = [];
  for (const token of new Set(normalized.split(' '))) {
    if (token.length < 6 || INNOCENT.has(token)) continue;
    for (const t of TERMS) {
      if (editDistanceAtMost1(token, t.word)) hits.push({ category: t.category, tier: t.tier, term: t.word });
    }
  }
  return hits;
}

/**
 * Misspelled minor and nudity words, read as the word they stand for ("childern", "chilren", "undrage", "naekd"), so
 * the two-signal rules (a minor + a sexual cue) still see them. Long words take any one edit; "naked" only an adjacent
 * swap, because its other one-edit neighbours are real words (baked, raked, nakes). The result is an extra reading
 * of the prompt, never a replacement of the original.
 */
const CORRECTABLE = ['children', 'childrens', 'toddler', 'toddlers', 'underage', 'teenager', 'teenagers', 'preteen',
  'preteens', 'schoolgirl', 'schoolgirls', 'schoolboy', 'schoolboys'];
const SWAP_ONLY = ['naked'];
const NOT_MISSPELLINGS = new Set(['toddled', 'toddles', 'teenaged']);

function adjacentSwap(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

export function correctMisspellings(normalized: string): string {
  return normalized.split(' ').map((token) => {
    if (token.length < 5 || NOT_MISSPELLINGS.has(token)) return token;
    if (token.length >= 6) {
      const word = CORRECTABLE.find((w) => editDistanceAtMost1(token, w));
      if (word) return word;
    }
    return SWAP_ONLY.find((w) => adjacentSwap(token, w)) ?? token;
  }).join(' ');
}
