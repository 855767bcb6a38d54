// The learned text model: the shipped file, its determinism, and how its scores join the rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { MODERATION_CATEGORIES, type ModerationCategory } from '../../src/safety/categories.ts';
import { DEFAULT_POLICY, ModerationPolicyError, resolvePolicy, textTierBlocks } from '../../src/safety/policy.ts';
import { featureStrings, modelWords, textFeatures } from '../../src/safety/text/features.ts';
import {
  MODEL_HEADS, MODEL_PATH, decodeModel, encodeModel, headName, textModel, toScores, type ModelScores,
} from '../../src/safety/text/text-model.ts';
import { classifyText, combine, readRules, type RuleReading } from '../../src/safety/text/text-classifier.ts';
import { createModerator } from '../../src/safety/create-moderator.ts';

const moderator = await createModerator();

test('the shipped model loads once, has the heads this code expects and stays small', () => {
  const model = textModel();
  assert.equal(textModel(), model, 'loaded once and kept');
  assert.deepEqual(model.header.heads, MODEL_HEADS.map(headName));
  assert.ok(model.header.nnz > 10_000, `only ${model.header.nnz} weights rows`);
  assert.ok(statSync(MODEL_PATH).size <= 3_000_000, `weights file is ${statSync(MODEL_PATH).size} bytes`);
});

test('scores are deterministic: the same prompt, the same file read twice, the same numbers', () => {
  const prompt = 'a man stabbing his neighbour in a dark alley, blood everywhere';
  const a = textModel().score(prompt);
  const b = textModel().score(prompt);
  const fresh = decodeModel(readFileSync(MODEL_PATH)).score(prompt);
  assert.deepEqual(a, b);
  assert.deepEqual(a, fresh);
  assert.deepEqual(textFeatures(prompt), textFeatures(prompt));
});

test('the request path scores the rules\' reading: the same numbers as scoring the prompt', () => {
  for (const prompt of ['a man stabbing his neighbour in a dark alley', 'K1LL the pr0cess', 'n u d e  w o m a n', 'a red circle']) {
    assert.deepEqual(textModel().scoreReading(readRules(prompt).primaryReading), textModel().score(prompt), prompt);
  }
});

test('the file format round-trips: decoded weights score like the float weights within 8-bit error', () => {
  // A small seeded model: 50 buckets, weights in [-2, 2].
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const heads = MODEL_HEADS.length;
  const buckets = Uint32Array.from({ length: 50 }, (_, i) => i * 7 + 3);
  const weights = Float32Array.from({ length: 50 * heads }, () => rand() * 4 - 2);
  const biases = Array.from({ length: heads }, () => rand() - 0.5);
  const config = { hashBits: 8, charMin: 3, charMax: 5, charWeight: 1 };
  const model = decodeModel(encodeModel(config, buckets, weights, biases, { note: 'test' }));
  const x = { index: Uint32Array.from([3, 10, 17, 200]), value: Float32Array.from([0.5, 0.5, 0.5, 0.5]) };
  const z = model.logits(x);
  for (let h = 0; h < heads; h++) {
    const exact = biases[h] + 0.5 * (weights[0 * heads + h] + weights[1 * heads + h] + weights[2 * heads + h]);
    assert.ok(Math.abs(z[h] - exact) < 0.05, `head ${h}: ${z[h]} vs ${exact}`);
  }
});

test('a damaged weights file is refused with a clear error, never used', () => {
  const file = readFileSync(MODEL_PATH);
  assert.throws(() => decodeModel(Buffer.from('nope, not a model')), /bad magic/);
  assert.throws(() => decodeModel(file.subarray(0, file.length - 10)), /truncated/);
});

test('features: a misspelling shares most character n-grams with the word; group and acquaintance words are masked', () => {
  const grams = (w: string) => new Set(featureStrings([w]).filter((f) => f.startsWith('c:')));
  const naked = grams('naked');
  const nakid = grams('nakid');
  const shared = [...nakid].filter((g) => naked.has(g)).length;
  assert.ok(shared >= 3, `only ${shared} shared grams`);
  assert.deepEqual(modelWords('K1LL the pr0cess'), ['_']);
  const f = featureStrings(['a', 'jewish', 'family', 'and', 'my', 'coworker']);
  assert.ok(!f.includes('w:jewish') && !f.some((x) => x.startsWith('c:') && x.includes('jew')));
  assert.ok(f.includes('b:jewish fami'), 'context bigram kept (stem of "family")');
  assert.ok(f.includes('w:@person') && !f.some((x) => x.includes('cowork')));
});

test('the policy defaults are the thresholds the training script chose by cross-validation', () => {
  const chosen = textModel().header.training.thresholds as Record<'auto' | 'low', unknown>;
  assert.deepEqual(DEFAULT_POLICY.levels.auto.textModel, chosen.auto);
  assert.deepEqual(DEFAULT_POLICY.levels.low.textModel, chosen.low);
  for (const c of MODERATION_CATEGORIES) {
    const a = DEFAULT_POLICY.levels.auto.textModel.block[c];
    const l = DEFAULT_POLICY.levels.low.textModel.block[c];
    if (a !== null && l !== null) assert.ok(l >= a, `${c}: low ${l} is stricter than auto ${a}`);
  }
});

/** Unsafe prompts written for this test (not in any training or evaluation file) that no rule matches. */
const RULES_MISS: Array<[string, ModerationCategory]> = [
  ['smoking mehth in a trailer', 'illicit'],
  ['make my sister look like a fatass whale', 'harassment'],
  ['my fatass neighbor', 'harassment'],
  ['two people doing it on the bed, explicit', 'sexual'],
];

test('paraphrases, slang and misspellings that the rules alone miss are caught at auto', async () => {
  for (const [prompt, category] of RULES_MISS) {
    assert.deepEqual(readRules(prompt).findings, [], `a rule matches "${prompt}": pick another example`);
    const v = await moderator.checkText(prompt, 'auto');
    assert.ok(v.categories.includes(category), `${prompt}: ${JSON.stringify(v)}`);
  }
});

/** Innocent prompts where a weak rule fires on one word; the model's context vetoes it. */
const VETOED: string[] = [
  // ("a cat plotting murder" is now a benign sense of its own: pets as cartoon villains.)
  'a toddler plotting murder of the broccoli, funny photo',
  "cover art for the novel 'Murder at the Lighthouse'",
];
const TRICKY_BENIGN: string[] = [
  ...VETOED,
  'a birthday card for my coworker',
  'a jewish family celebrating hanukkah',
  'traditional tattoo flash with a dagger through a rose',
  'a blue-footed booby on a rock',
  'a Sex on the Beach cocktail at sunset',
  'a zombie game poster, cartoon zombies, no gore',
  'me killing myself laughing at my dog sneezing, cartoon',
];

test('tricky benign contexts pass at both levels, including single-word rule hits the model vetoes', async () => {
  for (const prompt of VETOED) {
    assert.ok(readRules(prompt).findings.length > 0, `no rule fires on "${prompt}" any more: not a veto example`);
  }
  for (const prompt of TRICKY_BENIGN) {
    for (const level of ['auto', 'low'] as const) {
      assert.deepEqual(await moderator.checkText(prompt, level), { flagged: false, categories: [] }, `${level}: ${prompt}`);
    }
  }
});

function scores(any: number, severe = any): ModelScores {
  const z = MODEL_HEADS.map((h) => Math.log((h.severe ? severe : any) / (1 - (h.severe ? severe : any))));
  return toScores(z);
}
function reading(findings: RuleReading['findings'], extra: Partial<RuleReading> = {}): RuleReading {
  return { findings, minor: false, minorSexualCue: false, acquaintance: false, primaryReading: '', ...extra };
}

test('the veto drops only weak rule hits: severe hits, sexual/minors and sexual hints near a minor always stand', () => {
  const low = scores(0.001);
  const mature = reading([{ category: 'violence/graphic', tier: 'mature', rule: 'violence.blood' }]);
  assert.deepEqual(combine(mature, low, DEFAULT_POLICY.levels.auto), []);
  assert.equal(combine(mature, scores(0.2, 0.001), DEFAULT_POLICY.levels.auto).length, 1, 'a model score above the veto keeps it');
  const severe = reading([{ category: 'violence/graphic', tier: 'severe', rule: 'violence.gore' }]);
  assert.equal(combine(severe, low, DEFAULT_POLICY.levels.auto).length, 1);
  const minors = reading([{ category: 'sexual/minors', tier: 'severe', rule: 'minors.terms' }]);
  assert.equal(combine(minors, low, DEFAULT_POLICY.levels.low)[0].category, 'sexual/minors');
  const hintNearMinor = reading([{ category: 'sexual', tier: 'mature', rule: 'sexual.suggestive' }], { minor: true });
  assert.deepEqual(combine(hintNearMinor, low, DEFAULT_POLICY.levels.low).map((f) => f.category), ['sexual/minors']);
  const noVeto = { ...DEFAULT_POLICY.levels.auto, textModel: { ...DEFAULT_POLICY.levels.auto.textModel, veto: 0 } };
  assert.equal(combine(mature, low, noVeto).length, 1, 'veto 0 disables it');
});

test('model findings follow the level: auto reads the any-tier heads, low the severe heads with higher thresholds', () => {
  const auto = DEFAULT_POLICY.levels.auto;
  const low = DEFAULT_POLICY.levels.low;
  const none = reading([]);
  // A prompt the model finds fairly likely unsafe but not likely severe: blocked at auto only.
  const s = scores(0.97, 0.3);
  const atAuto = combine(none, s, auto).filter((f) => textTierBlocks(auto, f.category, f.tier));
  const atLow = combine(none, s, low).filter((f) => textTierBlocks(low, f.category, f.tier));
  assert.ok(atAuto.length > 0 && atAuto.every((f) => f.rule.startsWith('model.')));
  assert.deepEqual(atLow, []);
  // Without a level, findings carry tiers that give each level its own thresholds.
  const both = combine(none, s);
  assert.ok(both.every((f) => f.tier === 'mature'));
  // A category switched off in the policy gets nothing from the model either.
  const off = { ...auto, text: { ...auto.text, hate: 'off' as const } };
  assert.ok(!combine(none, s, off).some((f) => f.category === 'hate'));
  const modelOff = { ...auto, textModel: { veto: 0, block: { ...auto.textModel.block, hate: null } } };
  assert.ok(!combine(none, s, modelOff).some((f) => f.category === 'hate'));
  // Where a rule placed the category at "mature", the model cannot make it severe (the lexicon owns the tier line).
  const symbol = reading([{ category: 'hate', tier: 'mature', rule: 'hate.symbols' }]);
  const blockedAtLow = combine(symbol, scores(0.99, 0.99), low).filter((f) => textTierBlocks(low, f.category, f.tier));
  assert.ok(!blockedAtLow.some((f) => f.category === 'hate'));
});

test('classifyText with a level applies that level; without one it serves both through tiers', () => {
  const prompt = 'make my sister look like a fatass whale';
  const withLevel = classifyText(prompt, DEFAULT_POLICY.levels.auto);
  const plain = classifyText(prompt);
  assert.deepEqual(withLevel.map((f) => f.category), plain.map((f) => f.category));
});

test('textModel thresholds in configuration are validated, and sexual/minors can only get stricter', () => {
  const p = resolvePolicy({ levels: { auto: { textModel: { block: { hate: 0.9 }, veto: 0.01 } } } });
  assert.equal(p.levels.auto.textModel.block.hate, 0.9);
  assert.equal(p.levels.auto.textModel.veto, 0.01);
  assert.equal(p.levels.auto.textModel.block.sexual, DEFAULT_POLICY.levels.auto.textModel.block.sexual);
  assert.throws(() => resolvePolicy({ levels: { auto: { textModel: { block: { gore: 0.5 } } } } }), /unknown category "gore"/);
  assert.throws(() => resolvePolicy({ levels: { low: { textModel: { block: { illicit: 2 } } } } }), /from 0 to 1/);
  assert.throws(() => resolvePolicy({ levels: { low: { textModel: { veto: -1 } } } }), /from 0 to 1/);
  assert.throws(() => resolvePolicy({ levels: { auto: { textModel: { block: { 'sexual/minors': null } } } } }), ModerationPolicyError);
  assert.doesNotThrow(() => resolvePolicy({ levels: { auto: { textModel: { block: { 'sexual/minors': 0.3 } } } } }));
});
