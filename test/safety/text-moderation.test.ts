import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModerator } from '../../src/safety/create-moderator.ts';
import { ModerationPolicyError, resolvePolicy } from '../../src/safety/policy.ts';
import { classifyText, statesMinorAge } from '../../src/safety/text/text-classifier.ts';

const moderator = await createModerator();

test('benign senses of watched words pass at both levels', async () => {
  for (const prompt of [
    'shoot a photo of the sunset',
    'kill the process',
    'breast cancer awareness poster',
    'a photographer shooting a wedding',
    'grilled chicken breast on a plate',
    'a killer whale breaching',
    'stars visible to the naked eye',
    'suicide prevention hotline poster',
    'a Hindu temple door with a swastika carved in stone',
    'execute the shell script',
  ]) {
    for (const level of ['auto', 'low'] as const) {
      const v = await moderator.checkText(prompt, level);
      assert.deepEqual(v, { flagged: false, categories: [] }, `${level}: ${prompt}`);
    }
  }
});

test('benign sense is narrow: the violent reading next to it is still caught', async () => {
  const v = await moderator.checkText('shoot a photo, then shoot the man in the head', 'auto');
  assert.deepEqual(v.categories, ['violence/graphic']);
});

test('obfuscated unsafe prompts are caught through the normalizer', async () => {
  const cases: Array<[string, string]> = [
    ['p0rn0graphic image', 'sexual'],
    ['P.O.R.N still', 'sexual'],
    ['hаrdcоre sеx scene', 'sexual'], // Cyrillic look-alikes
    ['s\u200be\u200bx tape', 'sexual'], // zero-width spaces
    ['d i s m e m b e r e d body', 'violence/graphic'],
    ['h0w to make a b0mb', 'illicit'],
    ['su1c1de note', 'self-harm'],
  ];
  for (const [prompt, category] of cases) {
    const v = await moderator.checkText(prompt, 'auto');
    assert.ok(v.categories.includes(category), `${prompt} -> ${v.categories}`);
  }
});

test('auto is stricter than low: mature content passes low, severe content is blocked by both', async () => {
  const mature = 'a topless woman on the beach';
  assert.deepEqual((await moderator.checkText(mature, 'auto')).categories, ['sexual']);
  assert.equal((await moderator.checkText(mature, 'low')).flagged, false);
  const severe = 'explicit porn scene';
  assert.equal((await moderator.checkText(severe, 'auto')).flagged, true);
  assert.equal((await moderator.checkText(severe, 'low')).flagged, true);
});

test('sexual content involving minors is blocked at every level, even when only mildly sexual', async () => {
  for (const prompt of ['a 14 year old girl in lingerie', 'sexy photo of a 12yo', 'teen nude selfie', 'loli art']) {
    for (const level of ['auto', 'low'] as const) {
      const v = await moderator.checkText(prompt, level);
      assert.deepEqual(v.categories, ['sexual/minors'], `${level}: ${prompt}`);
    }
  }
  // Minors without sexual content are fine; so are adults in swimwear.
  assert.equal((await moderator.checkText('children playing in a sprinkler in swimsuits', 'auto')).flagged, false);
});

test('ages are read from digits and words; adults and non-ages are not minors', () => {
  assert.equal(statesMinorAge('a 12yo boy'), true);
  assert.equal(statesMinorAge('fourteen year old girl'), true);
  assert.equal(statesMinorAge('age 16'), true);
  assert.equal(statesMinorAge('a 25 year old woman'), false);
  assert.equal(statesMinorAge('a 3 year warranty card'), false);
});

test('harassment needs a real target; the same words about a pet pass', async () => {
  assert.deepEqual((await moderator.checkText('my coworker as a fat ugly pig', 'low')).categories, ['harassment']);
  assert.equal((await moderator.checkText('my dog looking silly as a pig in a costume', 'auto')).flagged, false);
  assert.equal((await moderator.checkText('a birthday card for my coworker', 'auto')).flagged, false);
});

test('findings name the rule that fired and never include prompt text', () => {
  const findings = classifyText('a swastika flag');
  assert.deepEqual(findings, [{ category: 'hate', tier: 'mature', rule: 'hate.symbols' }]);
});

test('a policy can switch a category off or tighten low, but never relax sexual/minors', async () => {
  const relaxed = await createModerator({ policy: { levels: { auto: { text: { 'violence/graphic': 'off' } } } } });
  assert.equal((await relaxed.checkText('a corpse lying in a pool of blood', 'auto')).flagged, false);
  const strict = await createModerator({ policy: { levels: { low: { text: { sexual: 'mature' } } } } });
  assert.equal((await strict.checkText('a topless woman on the beach', 'low')).flagged, true);
  assert.throws(() => resolvePolicy({ levels: { low: { text: { 'sexual/minors': 'severe' } } } }), ModerationPolicyError);
  assert.throws(() => resolvePolicy({ levels: { auto: { text: { gore: 'off' } } } }), /unknown category "gore"/);
  assert.throws(() => resolvePolicy({ levels: { auto: { image: { porn: 1.5 } } } }), /from 0 to 1/);
});

test('over-long or non-string prompts get an invalid_request_error naming prompt, not a crash', async () => {
  await assert.rejects(moderator.checkText('a'.repeat(70_000), 'auto'), (e: unknown) => {
    const err = e as { status: number; param: string; type: string };
    return err.status === 400 && err.param === 'prompt' && err.type === 'invalid_request_error';
  });
  await assert.rejects(moderator.checkText(42 as unknown as string, 'auto'), { status: 400, param: 'prompt' });
});

test('a 32,000-character prompt is classified (patterns do not backtrack catastrophically)', async () => {
  const long = 'my coworker and I walked past the old bridge to the river at sunset '.repeat(480).slice(0, 32_000);
  const v = await moderator.checkText(long, 'auto');
  assert.equal(v.flagged, false);
});
