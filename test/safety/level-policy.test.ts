/**
 * The request path applies the configured level policy to the learned text model: a threshold set in configuration
 * (moderation.policy.levels.<level>.textModel) changes what checkText blocks, not only the defaults.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { createModerator } from '../../src/safety/create-moderator.ts';

const PROMPT = 'a watercolor of my coworker presenting a quarterly report, friendly office scene';

test('a configured text-model threshold reaches checkText', async () => {
  const defaults = await createModerator();
  assert.equal((await defaults.checkText(PROMPT, 'auto')).flagged, false, 'benign with the default thresholds');
  // a near-zero harassment threshold at auto makes the model block on any harassment score at all
  const strict = await createModerator({ policy: { levels: { auto: { textModel: { block: { harassment: 1e-9 } } } } } });
  const verdict = await strict.checkText(PROMPT, 'auto');
  assert.equal(verdict.flagged, true);
  assert.ok(verdict.categories.includes('harassment'));
  // the other level keeps its own thresholds
  assert.equal((await strict.checkText(PROMPT, 'low')).flagged, false);
});
