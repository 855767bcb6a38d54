import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContentCredentials, type AtelierContentCredentials } from '../../src/provenance/c2pa-credentials.ts';
import { verifyImage } from '../../src/provenance/verify.ts';
import { COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA, MAX_INGREDIENTS, planManifest } from '../../src/provenance/manifest.ts';
import { FORMATS, makeImage } from './fixtures.ts';

let home: string;
let credentials: AtelierContentCredentials;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'atelier-prov-'));
  credentials = await createContentCredentials({ home, version: '0.1.0', notice: () => {} });
});
after(() => rm(home, { recursive: true, force: true }));

for (const format of FORMATS) {
  test(`${format}: editing an already signed image keeps it as an ingredient with its own manifest`, async () => {
    const generated = await credentials.sign({
      image: await makeImage('png', { seed: 2 }),
      format: 'png',
      model: 'atelier-shapes',
      action: 'created',
      ingredients: [],
    });
    const mask = await makeImage('png', { seed: 9 });
    const edited = await credentials.sign({
      image: await makeImage(format, { seed: 3 }),
      format,
      model: 'atelier-inpaint',
      action: 'edited',
      ingredients: [
        { data: generated, format: 'png', title: 'image.png' },
        { data: mask, format: 'png', title: 'mask.png' },
      ],
    });

    const report = await verifyImage(edited, { trustAnchorsPem: credentials.localTrustAnchorPem });
    assert.equal(report.state, 'trusted', JSON.stringify(report.failure));
    assert.deepEqual(report.actions.map((a) => a.action), ['c2pa.opened', 'c2pa.edited']);
    const editedAction = report.actions[1];
    assert.equal(editedAction.digitalSourceType, COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA);
    assert.equal(report.softwareAgent, 'atelier-inpaint');
    // The actions point at the ingredient assertions by hashed URI.
    assert.equal(report.actions[0].ingredients?.length, 1);
    assert.equal(editedAction.ingredients?.length, 1);

    assert.equal(report.ingredients.length, 2);
    const [parent, component] = report.ingredients;
    assert.deepEqual(
      { title: parent.title, relationship: parent.relationship, hasManifest: parent.hasManifest, state: parent.validationState },
      { title: 'image.png', relationship: 'parentOf', hasManifest: true, state: 'trusted' },
    );
    assert.deepEqual(
      { title: component.title, relationship: component.relationship, hasManifest: component.hasManifest },
      { title: 'mask.png', relationship: 'componentOf', hasManifest: false },
    );
  });
}

test('a variation of an unsigned upload records it as a parent without credentials', async () => {
  const upload = await makeImage('jpeg', { seed: 5 });
  const variation = await credentials.sign({
    image: await makeImage('webp', { seed: 6 }),
    format: 'webp',
    model: 'atelier-shapes',
    action: 'edited',
    ingredients: [{ data: upload, format: 'jpeg', title: 'photo.jpg' }],
  });
  const report = await verifyImage(variation, { trustAnchorsPem: credentials.localTrustAnchorPem });
  assert.equal(report.state, 'trusted');
  assert.equal(report.ingredients[0].relationship, 'parentOf');
  assert.equal(report.ingredients[0].hasManifest, false);
});

test('a tampered signed input is kept as an ingredient whose own credentials show invalid', async () => {
  const generated = await credentials.sign({
    image: await makeImage('jpeg', { seed: 4 }),
    format: 'jpeg',
    model: 'atelier-shapes',
    action: 'created',
    ingredients: [],
  });
  const { flipImageDataBit } = await import('./fixtures.ts');
  const edited = await credentials.sign({
    image: await makeImage('png', { seed: 8 }),
    format: 'png',
    model: 'atelier-shapes',
    action: 'edited',
    ingredients: [{ data: flipImageDataBit(generated, 'jpeg'), format: 'jpeg', title: 'image.jpg' }],
  });
  const report = await verifyImage(edited, { trustAnchorsPem: credentials.localTrustAnchorPem });
  // The new manifest itself is intact; the history it carries says the input had been altered.
  assert.equal(report.state, 'trusted');
  assert.equal(report.ingredients[0].hasManifest, true);
  assert.equal(report.ingredients[0].validationState, 'invalid');
});

test('an input c2pa-rs cannot parse is named without its bytes instead of failing the request', async () => {
  const edited = await credentials.sign({
    image: await makeImage('png'),
    format: 'png',
    model: 'atelier-shapes',
    action: 'edited',
    ingredients: [{ data: Buffer.from('not really a png at all'), format: 'png', title: 'broken.png' }],
  });
  const report = await verifyImage(edited, { trustAnchorsPem: credentials.localTrustAnchorPem });
  assert.equal(report.state, 'trusted', JSON.stringify(report.failure));
  assert.equal(report.ingredients[0].title, 'broken.png');
});

test('planManifest: edits need an ingredient, and the ingredient count is bounded', () => {
  const base = { image: Buffer.alloc(0), format: 'png' as const, model: 'm' };
  assert.throws(() => planManifest({ ...base, action: 'edited', ingredients: [] }, '1'), /at least one ingredient/);
  const many = Array.from({ length: MAX_INGREDIENTS + 1 }, (_, i) => ({ data: Buffer.alloc(1), format: 'png' as const, title: `${i}` }));
  assert.throws(() => planManifest({ ...base, action: 'edited', ingredients: many }, '1'), /too many ingredients/);
  const plan = planManifest({ ...base, action: 'created', ingredients: [] }, '1.2.3');
  assert.deepEqual(plan.definition.claim_generator_info, [{ name: 'Atelier', version: '1.2.3' }]);
  assert.deepEqual(plan.definition.assertions[0].data.actions[0].softwareAgent, { name: 'm' });
});
