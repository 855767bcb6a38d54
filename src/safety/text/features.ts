/**
 * Features for the learned text classifier (text-model.ts), computed from the same readings the rules see:
 * the normalized prompt (normalize.ts: evasions undone) with benign senses blanked (benign-senses.ts), so "kill the
 * process" reaches neither the rules nor the model as "kill".
 *
 * - stemmed word unigrams and bigrams (stem.ts), so inflections share weights;
 * - character 3..5-grams inside each unstemmed word, padded with word boundaries, so a misspelling ("nakid",
 *   "mehth") still shares most of its grams with the word it imitates.
 *
 * Every feature is hashed (FNV-1a, 32-bit) into a fixed space of 2^bits buckets with a sign taken from another hash
 * bit (the "hashing trick": no vocabulary file, collisions cancel on average instead of adding up). Values are binary
 * per feature and the vector is scaled to unit length, so long prompts do not score higher just by being long.
 */
import { normalizeText } from './normalize.ts';
import { blankBenignSenses } from './benign-senses.ts';
import { stem } from './stem.ts';

export interface FeatureConfig {
  /** log2 of the hashed feature space. */
  hashBits: number;
  /** Shortest and longest character n-gram taken inside a word. */
  charMin: number;
  charMax: number;
  /**
   * Weight of one character n-gram relative to a word or bigram feature. Cross-validation preferred 4 to 1: the
   * n-grams are what carry over to unseen spellings and paraphrases, word features mostly memorise the corpus.
   */
  charWeight: number;
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = { hashBits: 20, charMin: 3, charMax: 5, charWeight: 4 };

/** A sparse feature vector: bucket indices (ascending, unique) and their values. */
export interface SparseVector {
  index: Uint32Array;
  value: Float32Array;
}

/**
 * Words looked at per prompt. The API allows 32000-character prompts; the features of the first 4000 words are
 * plenty to classify one, and the cap bounds the work per request (the rules still read the whole text).
 */
const MAX_WORDS = 4000;

/**
 * Words naming a protected group. In training data they appear mostly inside hate, so a model that saw them alone
 * would learn "jewish" or "refugees" as hateful in itself and block "a jewish family celebrating hanukkah". They get
 * no unigram or character features; the model sees them only in bigrams ("jews are", "jewish family"), where context
 * decides.
 */
const IDENTITY_WORDS = new Set([
  'jew', 'jews', 'jewish', 'muslim', 'muslims', 'islam', 'islamic', 'christian', 'christians', 'catholic', 'catholics',
  'hindu', 'hindus', 'sikh', 'sikhs', 'buddhist', 'buddhists', 'black', 'blacks', 'white', 'whites', 'asian', 'asians',
  'arab', 'arabs', 'african', 'africans', 'mexican', 'mexicans', 'latino', 'latinos', 'latina', 'hispanic', 'hispanics',
  'chinese', 'indian', 'indians', 'gay', 'gays', 'lesbian', 'lesbians', 'trans', 'transgender', 'queer', 'lgbt', 'lgbtq',
  'homosexual', 'homosexuals', 'bisexual', 'immigrant', 'immigrants', 'migrant', 'migrants', 'refugee', 'refugees',
  'roma', 'gypsy', 'gypsies', 'disabled', 'autistic', 'women', 'woman',
]);

/**
 * People the requester knows. Harassment prompts name them far more often than the benign prompts in any training set
 * do, so a model that saw "coworker" would block "a birthday card for my coworker". They all become one token,
 * "@person": the model still knows someone is named, and what is done to them decides.
 */
const RELATION_WORDS = new Set([
  'coworker', 'coworkers', 'colleague', 'colleagues', 'classmate', 'classmates', 'roommate', 'roommates', 'neighbor',
  'neighbors', 'neighbour', 'neighbours', 'boss', 'teacher', 'teachers', 'ex', 'sister', 'brother', 'cousin', 'mom',
  'mother', 'dad', 'father', 'friend', 'friends', 'teammate', 'girlfriend', 'boyfriend', 'wife', 'husband', 'manager',
  'landlord', 'landlady', 'aunt', 'uncle', 'niece', 'nephew', 'stepmom', 'stepdad', 'stepmother', 'stepfather',
  'stepsister', 'stepbrother', 'crush', 'principal', 'tenant', 'employee', 'professor', 'coach', 'grandma', 'grandpa',
  'grandmother', 'grandfather', 'son', 'daughter', 'bf', 'gf',
]);

/** FNV-1a over UTF-16 code units. Deterministic across platforms: only 32-bit integer arithmetic. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The primary normalized reading of a prompt, benign senses blanked to "_" (the rules read it too). */
export function primaryReading(text: string): string {
  return blankBenignSenses(normalizeText(text).primary);
}

/** The words the model reads from a prompt's primary reading. */
export function readingWords(reading: string): string[] {
  const words = reading.split(' ').filter((w) => w.length > 0);
  return words.length > MAX_WORDS ? words.slice(0, MAX_WORDS) : words;
}

export function modelWords(text: string): string[] {
  return readingWords(primaryReading(text));
}

/** The feature strings of one prompt, before hashing (exported for tests and for inspecting what the model sees). */
export function featureStrings(words: readonly string[], config: FeatureConfig = DEFAULT_FEATURE_CONFIG): string[] {
  const out: string[] = [];
  const stems = words.map((w) => (RELATION_WORDS.has(w) ? '@person' : /^\p{L}+$/u.test(w) ? stem(w) : w));
  for (let i = 0; i < stems.length; i++) {
    if (!IDENTITY_WORDS.has(words[i])) out.push(`w:${stems[i]}`);
    if (i + 1 < stems.length) out.push(`b:${stems[i]} ${stems[i + 1]}`);
  }
  for (const w of words) {
    if (w === '_' || IDENTITY_WORDS.has(w) || RELATION_WORDS.has(w)) continue;
    const padded = `<${w}>`;
    for (let n = config.charMin; n <= config.charMax; n++) {
      for (let i = 0; i + n <= padded.length; i++) out.push(`c:${padded.slice(i, i + n)}`);
    }
  }
  return out;
}

/** Hashes feature strings into a unit-length sparse vector. */
export function hashFeatures(features: readonly string[], config: FeatureConfig = DEFAULT_FEATURE_CONFIG): SparseVector {
  const mask = (1 << config.hashBits) - 1;
  const seen = new Set<string>();
  const buckets = new Map<number, number>();
  for (const f of features) {
    if (seen.has(f)) continue;
    seen.add(f);
    const h = fnv1a(f);
    const bucket = h & mask;
    // The top bit is independent of the low `hashBits` bits used for the bucket.
    const sign = h & 0x80000000 ? -1 : 1;
    const weight = f.startsWith('c:') ? config.charWeight : 1;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + sign * weight);
  }
  const index = Uint32Array.from([...buckets.keys()].filter((k) => buckets.get(k) !== 0)).sort();
  let norm = 0;
  for (const k of index) norm += buckets.get(k)! ** 2;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const value = Float32Array.from(index, (k) => buckets.get(k)! * scale);
  return { index, value };
}

/** Text to features in one call: what the classifier and the training script both use. */
export function textFeatures(text: string, config: FeatureConfig = DEFAULT_FEATURE_CONFIG): SparseVector {
  return readingFeatures(primaryReading(text), config);
}

/** Features of an already computed primary reading (the request path has it from the rules). */
export function readingFeatures(reading: string, config: FeatureConfig = DEFAULT_FEATURE_CONFIG): SparseVector {
  return hashFeatures(featureStrings(readingWords(reading), config), config);
}
