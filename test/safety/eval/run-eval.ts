/**
 * Prints precision and recall per category and level on the labelled prompt set.
 *   node --import tsx test/safety/eval/run-eval.ts [--set prompts|blind] [--split dev|holdout] [--misses]
 */
import { parseArgs } from 'node:util';
import { createModerator } from '../../../src/safety/create-moderator.ts';
import { evaluate, loadPrompts } from './evaluate.ts';

const { values } = parseArgs({
  options: { set: { type: 'string', default: 'prompts' }, split: { type: 'string' }, misses: { type: 'boolean', default: false } },
});
if (values.set !== 'prompts' && values.set !== 'blind') throw new Error('--set must be "prompts" or "blind"');
const all = loadPrompts(values.set);
const prompts = values.split ? all.filter((p) => p.split === values.split) : all;
const moderator = await createModerator();
const pct = (x: number) => (Number.isNaN(x) ? '  n/a' : `${(x * 100).toFixed(1)}%`);

console.log(`${values.set}.jsonl: ${prompts.length} prompts (${values.split ?? 'all splits'}); unsafe ${prompts.filter((p) => p.categories.length).length}, benign ${prompts.filter((p) => !p.categories.length).length}`);
for (const level of ['auto', 'low'] as const) {
  const t0 = performance.now();
  const r = await evaluate(moderator, prompts, level);
  const ms = (performance.now() - t0) / prompts.length;
  console.log(`\n## level ${level}`);
  console.log(`recall on prompts this level must block: ${r.unsafeBlocked}/${r.unsafe} = ${pct(r.recall)}`);
  console.log(`false positives on benign prompts: ${r.benignBlocked}/${r.benign} = ${pct(r.falsePositiveRate)}`);
  if (r.matureTotal) console.log(`mature prompts this level allows but blocked: ${r.matureOverblocked}/${r.matureTotal}`);
  console.log(`mean time per prompt: ${ms.toFixed(2)} ms`);
  console.log('| category | positives | recall | predicted | precision |');
  console.log('|---|---:|---:|---:|---:|');
  for (const c of r.categories) {
    console.log(`| ${c.category} | ${c.positives} | ${pct(c.recall)} | ${c.predicted} | ${pct(c.precision)} |`);
  }
  if (values.misses) {
    for (const m of r.misses) console.log(`  miss ${m.id} expected=[${m.expected}] got=[${m.got}] ${JSON.stringify(m.text)}`);
  }
}
