import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeText } from '../../src/safety/text/normalize.ts';

const readings = (t: string) => [normalizeText(t).primary, ...normalizeText(t).alternates];

test('case, fullwidth forms and ligatures fold to plain lowercase', () => {
  assert.equal(normalizeText('ＰＯＲＮ Still').primary, 'porn still');
  assert.equal(normalizeText('ﬁlthy').primary, 'filthy');
});

test('zero-width and other invisible characters are removed', () => {
  assert.equal(normalizeText('s\u200be\u200cx\u2060 tape\u00ad').primary, 'sex tape');
});

test('accents and Cyrillic/Greek look-alikes map to Latin letters', () => {
  assert.equal(normalizeText('hаrdcоre sеx').primary, 'hardcore sex'); // Cyrillic а, о, е
  assert.equal(normalizeText('pörn ραrty').primary, 'porn party'); // Greek ρ, α
  assert.equal(normalizeText('chіld').primary, 'child'); // Ukrainian і
});

test('leetspeak inside words is undone, but numbers stay numbers', () => {
  assert.equal(normalizeText('p0rn0graphic b!tch n4ked').primary, 'pornographic bitch naked');
  assert.equal(normalizeText('5un5et ph0t0').primary, 'sunset photo');
  const n = normalizeText('a 12yo in 3d at 1024x1024, wow!');
  assert.equal(n.primary, 'a 12yo in 3d at 1024x1024 wow');
  assert.match(n.withDigits, /12yo/);
});

test('spelled-out letters are joined, with and without a leading article', () => {
  assert.equal(normalizeText('P.O.R.N image').primary, 'porn image');
  assert.equal(normalizeText('k i l l the process').primary, 'kill the process');
  assert.ok(readings('a c u m s h o t').includes('a cumshot'));
  // Two single letters are not a spelled-out word ("a b testing" stays as is).
  assert.equal(normalizeText('a b testing').primary, 'a b testing');
});

test('stretched letters yield both the double-letter and the single-letter reading', () => {
  const r = readings('seeeexxxx and bloooody');
  assert.ok(r.includes('seexx and bloody'));
  assert.ok(r.includes('sex and blody'));
  // Ordinary double letters are not touched.
  assert.deepEqual(readings('a cool tree'), ['a cool tree']);
});
