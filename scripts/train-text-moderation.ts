/**
 * Trains the learned text moderation model (src/safety/text/text-model.ts) and writes
 * src/safety/text/model/text-moderation.bin.
 *
 *   node --import tsx scripts/train-text-moderation.ts [--folds 5] [--seed 7] [--out PATH] [--dry-run]
 *
 * Data: every test/safety/corpus/*.jsonl file plus the "dev" split of test/safety/eval/prompts.jsonl. The evaluation
 * splits (prompts.jsonl "holdout", blind.jsonl) are never read here, and training prompts that repeat a holdout
 * prompt are dropped so the holdout stays unseen.
 *
 * Model: one logistic regression per head (MODEL_HEADS: any-tier and severe per category) over hashed word uni/bigram
 * and character n-gram features, fitted by AdaGrad SGD with L2 regularisation, written by hand: the npm logistic
 * regression packages (ml-logistic-regression) work on dense matrices, and the feature space here is 2^20 sparse
 * columns. Everything is seeded and single-threaded, so the same data gives the same file byte for byte.
 *
 * Thresholds: k-fold cross-validation gives every training prompt a score from a model that did not see it; the
 * per-level thresholds and the veto are chosen on those out-of-fold scores, joined with the rules exactly as at run
 * time (text-classifier.ts `combine`), and printed for src/safety/policy.ts.
 */
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { MODERATION_CATEGORIES, type ModerationCategory, isModerationCategory } from '../src/safety/categories.ts';
import { DEFAULT_FEATURE_CONFIG, type SparseVector, textFeatures } from '../src/safety/text/features.ts';
import {
  MODEL_HEADS, MODEL_PATH, decodeModel, encodeModel, headName, toScores, type ModelScores,
} from '../src/safety/text/text-model.ts';
import { combine, readRules, type RuleReading } from '../src/safety/text/text-classifier.ts';
import { DEFAULT_POLICY, textTierBlocks, type LevelPolicy, type TextModelThresholds } from '../src/safety/policy.ts';
import type { ModerationLevel } from '../src/safety/moderator.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Example {
  text: string;
  categories: ModerationCategory[];
  tier: 'severe' | 'mature' | null;
  source: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Data

function readJsonl(path: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      console.warn(`skipping unparseable line ${path}:${i + 1}`);
    }
  });
  return out;
}

function toExample(row: Record<string, unknown>, source: string): Example | null {
  const { text, categories, tier } = row;
  if (typeof text !== 'string' || !Array.isArray(categories)) return null;
  const cats = categories.filter((c): c is ModerationCategory => typeof c === 'string' && isModerationCategory(c));
  if (cats.length !== categories.length) return null;
  if (cats.length > 0 && tier !== 'severe' && tier !== 'mature') return null;
  return { text, categories: cats, tier: cats.length ? (tier as 'severe' | 'mature') : null, source };
}

function loadData(): { examples: Example[]; dropped: number; holdoutOverlap: number } {
  const key = (t: string) => t.toLowerCase().replace(/\s+/g, ' ').trim();
  const evalRows = readJsonl(join(ROOT, 'test/safety/eval/prompts.jsonl'));
  const holdout = new Set(evalRows.filter((r) => r.split === 'holdout').map((r) => key(String(r.text))));
  const rows: Array<{ row: Record<string, unknown>; source: string }> = [];
  const corpusDir = join(ROOT, 'test/safety/corpus');
  for (const f of readdirSync(corpusDir).filter((f) => f.endsWith('.jsonl')).sort()) {
    for (const row of readJsonl(join(corpusDir, f))) rows.push({ row, source: `corpus/${f}` });
  }
  for (const row of evalRows.filter((r) => r.split === 'dev')) rows.push({ row, source: 'prompts.jsonl dev' });
  const seen = new Set<string>();
  const examples: Example[] = [];
  let dropped = 0;
  let holdoutOverlap = 0;
  for (const { row, source } of rows) {
    const ex = toExample(row, source);
    if (!ex) { dropped++; continue; }
    const k = key(ex.text);
    if (holdout.has(k)) { holdoutOverlap++; continue; }
    if (seen.has(k)) { dropped++; continue; }
    seen.add(k);
    examples.push(ex);
  }
  return { examples, dropped, holdoutOverlap };
}

function headLabels(ex: Example): Uint8Array {
  return Uint8Array.from(MODEL_HEADS, (h) => {
    if (!ex.categories.includes(h.category)) return 0;
    return !h.severe || ex.tier === 'severe' || h.category === 'sexual/minors' ? 1 : 0;
  });
}

function shouldBlock(ex: Example, level: ModerationLevel): boolean {
  if (ex.categories.length === 0) return false;
  return level === 'auto' || ex.tier === 'severe' || ex.categories.includes('sexual/minors');
}

// ---------------------------------------------------------------------------------------------------------------
// Training

/** mulberry32: a tiny seeded PRNG, so fold assignment and shuffling are reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

interface Hyper { epochs: number; rate: number; l2: number; positiveWeight: number }
const DEFAULT_HYPER: Hyper = { epochs: 25, rate: 0.4, l2: 1e-3, positiveWeight: 3 };

/** Sparse rows re-indexed to the buckets the training set uses, so weights are a small dense array. */
interface Trained { buckets: Uint32Array; weights: Float32Array; biases: Float64Array }

function train(xs: SparseVector[], ys: Uint8Array[], seed: number, hyper: Hyper): Trained {
  const heads = MODEL_HEADS.length;
  const bucketSet = new Set<number>();
  for (const x of xs) for (const b of x.index) bucketSet.add(b);
  const buckets = Uint32Array.from(bucketSet).sort();
  const column = new Map<number, number>();
  buckets.forEach((b, i) => column.set(b, i));
  const rows = xs.map((x) => Uint32Array.from(x.index, (b) => column.get(b) ?? 0));
  const w = new Float64Array(buckets.length * heads);
  const g2 = new Float64Array(buckets.length * heads).fill(1e-8);
  const bias = new Float64Array(heads);
  const b2 = new Float64Array(heads).fill(1e-8);
  const random = rng(seed);
  const order = xs.map((_, i) => i);
  const z = new Float64Array(heads);
  for (let epoch = 0; epoch < hyper.epochs; epoch++) {
    for (const i of shuffled(order, random)) {
      const x = xs[i];
      const cols = rows[i];
      z.set(bias);
      for (let k = 0; k < cols.length; k++) {
        const base = cols[k] * heads;
        for (let h = 0; h < heads; h++) z[h] += w[base + h] * x.value[k];
      }
      for (let h = 0; h < heads; h++) {
        const y = ys[i][h];
        const p = 1 / (1 + Math.exp(-z[h]));
        const g = (p - y) * (y ? hyper.positiveWeight : 1);
        b2[h] += g * g;
        bias[h] -= (hyper.rate * g) / Math.sqrt(b2[h]);
        for (let k = 0; k < cols.length; k++) {
          const j = cols[k] * heads + h;
          const gj = g * x.value[k] + hyper.l2 * w[j];
          g2[j] += gj * gj;
          w[j] -= (hyper.rate * gj) / Math.sqrt(g2[j]);
        }
      }
    }
  }
  return { buckets, weights: Float32Array.from(w), biases: bias };
}

function predict(m: Trained, x: SparseVector): Float64Array {
  const heads = MODEL_HEADS.length;
  const z = Float64Array.from(m.biases);
  let lo = 0;
  for (let k = 0; k < x.index.length; k++) {
    // x.index and m.buckets are both ascending: merge instead of a map lookup.
    while (lo < m.buckets.length && m.buckets[lo] < x.index[k]) lo++;
    if (lo === m.buckets.length) break;
    if (m.buckets[lo] !== x.index[k]) continue;
    for (let h = 0; h < heads; h++) z[h] += m.weights[lo * heads + h] * x.value[k];
  }
  return z;
}

// ---------------------------------------------------------------------------------------------------------------
// Threshold selection on out-of-fold scores

interface Scored { ex: Example; rules: RuleReading; scores: ModelScores }

function levelWith(level: ModerationLevel, textModel: TextModelThresholds): LevelPolicy {
  return { ...DEFAULT_POLICY.levels[level], textModel };
}

function blocked(s: Scored, policy: LevelPolicy): boolean {
  return combine(s.rules, s.scores, policy).some((f) => textTierBlocks(policy, f.category, f.tier));
}

interface Tally { unsafe: number; caught: number; benign: number; fp: number; mature: number; matureBlocked: number }

function tally(data: Scored[], level: ModerationLevel, policy: LevelPolicy): Tally {
  const t: Tally = { unsafe: 0, caught: 0, benign: 0, fp: 0, mature: 0, matureBlocked: 0 };
  for (const s of data) {
    const b = blocked(s, policy);
    if (shouldBlock(s.ex, level)) { t.unsafe++; if (b) t.caught++; }
    else if (s.ex.categories.length === 0) { t.benign++; if (b) t.fp++; }
    else { t.mature++; if (b) t.matureBlocked++; }
  }
  return t;
}

/**
 * Candidate thresholds, 0.95 down to 0.5. Out-of-fold scores would often allow lower ones, but the training benign
 * prompts cannot cover every innocent context a named acquaintance or a pipe appears in, so the model only adds a
 * block where it finds the category more likely than not.
 */
const MIN_THRESHOLD = 0.5;
const GRID = Array.from({ length: 19 }, (_, i) => Math.round((0.95 - i * 0.05) * 100) / 100).filter((t) => t >= MIN_THRESHOLD - 1e-9);
/** A benign prompt blocked costs as much as this many unsafe prompts missed. */
const FP_COST = 10;
/** Hard cap on the false-positive rate (benign and, at low, mature prompts) on out-of-fold scores. */
const FP_BUDGET = 0.01;
/** Lowest threshold at `low` (see lowFloor). */
const LOW_MIN = 0.8;
/** Only "very low" scores may veto a rule. */
const VETO_GRID = [0.01, 0.02, 0.03];

function offModel(veto: number): TextModelThresholds {
  return { block: Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, null])) as Record<ModerationCategory, number | null>, veto };
}

/** The veto, from "very low" scores only: the one that best trades lost catches against removed false positives. */
function chooseVeto(data: Scored[], log: boolean): number {
  const base = tally(data, 'auto', levelWith('auto', offModel(0)));
  let best = 0;
  let bestScore = base.caught - FP_COST * base.fp;
  for (const v of VETO_GRID) {
    const t = tally(data, 'auto', levelWith('auto', offModel(v)));
    const s = t.caught - FP_COST * t.fp;
    if (log) console.log(`  veto ${v}: unsafe caught ${base.caught} -> ${t.caught}, benign FP ${base.fp} -> ${t.fp}`);
    if (s > bestScore) { best = v; bestScore = s; }
  }
  return best;
}

/** Gain of a setting over the rules-only baseline, or -Infinity when the model adds too many false positives. */
function objective(t: Tally, base: Tally): number {
  const falsePositives = t.fp + t.matureBlocked;
  if (falsePositives - (base.fp + base.matureBlocked) > FP_BUDGET * (t.benign + t.mature)) return -Infinity;
  return t.caught - FP_COST * falsePositives;
}

/** Coordinate ascent over the categories' thresholds; ties keep the higher (more conservative) threshold. */
function chooseBlock(data: Scored[], level: ModerationLevel, veto: number, floor: Partial<Record<ModerationCategory, number>>): TextModelThresholds {
  const current = offModel(veto);
  const base = tally(data, level, levelWith(level, current));
  let score = objective(base, base);
  for (let round = 0; round < 3; round++) {
    let changed = false;
    for (const c of MODERATION_CATEGORIES) {
      for (const t of [null, ...GRID.filter((g) => g >= (floor[c] ?? 0))]) {
        const trial = { ...current, block: { ...current.block, [c]: t } };
        const s = objective(tally(data, level, levelWith(level, trial)), base);
        const higher = (a: number | null, b: number | null) => (a ?? 2) > (b ?? 2);
        if (s > score || (s === score && higher(t, current.block[c]))) {
          if (t !== current.block[c]) changed = true;
          current.block[c] = t;
          score = s;
        }
      }
    }
    if (!changed) break;
  }
  return current;
}

// ---------------------------------------------------------------------------------------------------------------
// Main

const { values } = parseArgs({
  options: {
    folds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '7' },
    out: { type: 'string', default: MODEL_PATH },
    'dry-run': { type: 'boolean', default: false },
    /** For experiments: hyper-parameters as JSON over the defaults, e.g. '{"l2":1e-5}'. */
    hyper: { type: 'string' },
    /** Write the out-of-fold mistakes (training prompts only) to this file, for error analysis. */
    mistakes: { type: 'string' },
  },
});
const HYPER: Hyper = { ...DEFAULT_HYPER, ...(values.hyper ? (JSON.parse(values.hyper) as Partial<Hyper>) : {}) };
const folds = Number(values.folds);
const seed = Number(values.seed);
if (!Number.isInteger(folds) || folds < 2 || folds > 20) throw new Error('--folds must be an integer from 2 to 20');
if (!Number.isInteger(seed)) throw new Error('--seed must be an integer');

const t0 = performance.now();
const { examples, dropped, holdoutOverlap } = loadData();
const xs = examples.map((e) => textFeatures(e.text, DEFAULT_FEATURE_CONFIG));
const ys = examples.map(headLabels);
const rules = examples.map((e) => readRules(e.text));
const pct = (n: number, d: number) => `${n}/${d} = ${d ? ((100 * n) / d).toFixed(1) : 'n/a'}%`;

console.log(`training prompts: ${examples.length} (dropped ${dropped} invalid or duplicate, ${holdoutOverlap} repeating a holdout prompt)`);
const bySource = new Map<string, number>();
for (const e of examples) bySource.set(e.source, (bySource.get(e.source) ?? 0) + 1);
for (const [s, n] of bySource) console.log(`  ${s}: ${n}`);
console.log(`benign: ${examples.filter((e) => !e.categories.length).length}`);
MODEL_HEADS.forEach((h, i) => console.log(`  head ${headName(h)}: ${ys.filter((y) => y[i]).length} positives`));

// Stratified folds: by first category (or benign) so every fold holds every category.
const random = rng(seed);
const strata = new Map<string, number[]>();
examples.forEach((e, i) => {
  const k = `${e.categories[0] ?? 'benign'}/${e.tier}`;
  strata.set(k, [...(strata.get(k) ?? []), i]);
});
const fold = new Int32Array(examples.length);
let next = 0;
for (const k of [...strata.keys()].sort()) for (const i of shuffled(strata.get(k) ?? [], random)) fold[i] = next++ % folds;

const oof: ModelScores[] = new Array(examples.length);
for (let f = 0; f < folds; f++) {
  const trainIdx = examples.map((_, i) => i).filter((i) => fold[i] !== f);
  const m = train(trainIdx.map((i) => xs[i]), trainIdx.map((i) => ys[i]), seed + f, HYPER);
  examples.forEach((_, i) => { if (fold[i] === f) oof[i] = toScores(predict(m, xs[i])); });
}
for (const [h, head] of MODEL_HEADS.entries()) {
  const ranked = examples.map((_, i) => ({ y: ys[i][h], p: head.severe ? oof[i].severe[head.category] : oof[i].any[head.category] }))
    .sort((a, b) => b.p - a.p);
  let tp = 0;
  let ap = 0;
  const positives = ranked.filter((r) => r.y).length;
  ranked.forEach((r, k) => { if (r.y) { tp++; ap += tp / (k + 1); } });
  console.log(`  out-of-fold average precision ${headName(head)}: ${(ap / Math.max(1, positives)).toFixed(3)}`);
}
const scored: Scored[] = examples.map((ex, i) => ({ ex, rules: rules[i], scores: oof[i] }));

/** The whole threshold choice: veto, then auto's thresholds, then low's above them. */
function chooseThresholds(data: Scored[], log: boolean): Record<ModerationLevel, TextModelThresholds> {
  const veto = chooseVeto(data, log);
  const auto = chooseBlock(data, 'auto', veto, {});
  // `low` is the permissive level: its thresholds are never below auto's, and never below LOW_MIN, because where
  // "mature" ends and "severe" begins is where labellers disagree most (a blocked mature prompt at low is the error).
  const lowFloor = Object.fromEntries(MODERATION_CATEGORIES.map((c) => [c, Math.max(LOW_MIN, auto.block[c] ?? 0.95)]));
  const low = chooseBlock(data, 'low', veto, lowFloor);
  // sexual/minors has one head and blocks at every level: one threshold.
  low.block['sexual/minors'] = auto.block['sexual/minors'];
  return { auto, low };
}

const { auto, low } = chooseThresholds(scored, true);
const chosen: Record<ModerationLevel, TextModelThresholds> = { auto, low };

console.log(`\n${folds}-fold cross-validation (out-of-fold model scores joined with the rules; thresholds chosen on these same scores):`);
const cv: Record<string, unknown> = {};
for (const level of ['auto', 'low'] as const) {
  const rulesOnly = tally(scored, level, levelWith(level, offModel(0)));
  const both = tally(scored, level, levelWith(level, chosen[level]));
  console.log(`## ${level}`);
  console.log(`  rules only:    recall ${pct(rulesOnly.caught, rulesOnly.unsafe)}, benign FP ${pct(rulesOnly.fp, rulesOnly.benign)}, mature blocked ${pct(rulesOnly.matureBlocked, rulesOnly.mature)}`);
  console.log(`  rules + model: recall ${pct(both.caught, both.unsafe)}, benign FP ${pct(both.fp, both.benign)}, mature blocked ${pct(both.matureBlocked, both.mature)}`);
  for (const c of MODERATION_CATEGORIES) {
    const pos = scored.filter((s) => shouldBlock(s.ex, level) && s.ex.categories.includes(c));
    const hit = pos.filter((s) => blocked(s, levelWith(level, chosen[level]))).length;
    console.log(`    ${c}: recall ${pct(hit, pos.length)}`);
  }
  cv[level] = { rulesOnly, rulesPlusModel: both };
}
// The numbers above reuse the scores the thresholds were chosen on, so they flatter a little. Here each fold is judged
// with thresholds chosen on the other folds only.
const honest: Record<ModerationLevel, Tally> = {
  auto: { unsafe: 0, caught: 0, benign: 0, fp: 0, mature: 0, matureBlocked: 0 },
  low: { unsafe: 0, caught: 0, benign: 0, fp: 0, mature: 0, matureBlocked: 0 },
};
for (let f = 0; f < folds; f++) {
  const th = chooseThresholds(scored.filter((_, i) => fold[i] !== f), false);
  for (const level of ['auto', 'low'] as const) {
    const t = tally(scored.filter((_, i) => fold[i] === f), level, levelWith(level, th[level]));
    for (const k of Object.keys(t) as Array<keyof Tally>) honest[level][k] += t[k];
  }
}
console.log('thresholds chosen without the fold they are judged on:');
for (const level of ['auto', 'low'] as const) {
  const t = honest[level];
  console.log(`  ${level}: recall ${pct(t.caught, t.unsafe)}, benign FP ${pct(t.fp, t.benign)}, mature blocked ${pct(t.matureBlocked, t.mature)}`);
  cv[`${level}ThresholdsOutOfFold`] = t;
}
if (values.mistakes) {
  const lines: string[] = [];
  for (const level of ['auto', 'low'] as const) {
    for (const s of scored) {
      const want = shouldBlock(s.ex, level);
      if (want === blocked(s, levelWith(level, chosen[level]))) continue;
      const p = Object.entries(level === 'auto' ? s.scores.any : s.scores.severe).map(([c, v]) => `${c}=${v.toFixed(2)}`).join(' ');
      const fired = s.rules.findings.map((f) => f.rule).join(',');
      lines.push(`${level} ${want ? 'MISS' : 'FP'} [${s.ex.categories}/${s.ex.tier}] ${JSON.stringify(s.ex.text)} | ${p} | rules: ${fired}`);
    }
  }
  writeFileSync(values.mistakes, `${lines.join('\n')}\n`);
}
console.log('\nthresholds for src/safety/policy.ts:');
console.log(JSON.stringify(chosen, null, 1));

const final = train(xs, ys, seed, HYPER);
const dataHash = createHash('sha256').update(examples.map((e) => JSON.stringify([e.text, e.categories, e.tier])).join('\n')).digest('hex').slice(0, 16);
const file = encodeModel(DEFAULT_FEATURE_CONFIG, final.buckets, final.weights, [...final.biases], {
  examples: examples.length,
  dataSha256: dataHash,
  folds,
  seed,
  hyper: HYPER,
  crossValidation: cv,
  thresholds: chosen,
});
// The shipped file is 8-bit: check it scores like the float model it came from.
const decoded = decodeModel(file);
let maxDiff = 0;
for (let i = 0; i < xs.length; i++) {
  const a = predict(final, xs[i]);
  const b = decoded.logits(xs[i]);
  for (let h = 0; h < a.length; h++) maxDiff = Math.max(maxDiff, Math.abs(1 / (1 + Math.exp(-a[h])) - 1 / (1 + Math.exp(-b[h]))));
}
console.log(`\nmodel: ${final.buckets.length} buckets x ${MODEL_HEADS.length} heads, ${(file.length / 1e6).toFixed(2)} MB; quantization max |dp| on training prompts ${maxDiff.toFixed(4)}`);
console.log(`sha256 ${createHash('sha256').update(file).digest('hex')}; data ${dataHash}; ${((performance.now() - t0) / 1000).toFixed(1)} s`);
if (!values['dry-run']) {
  mkdirSync(dirname(values.out), { recursive: true });
  writeFileSync(values.out, file);
  console.log(`wrote ${values.out}`);
}
