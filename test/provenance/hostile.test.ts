// Verification reads files from strangers. Whatever the bytes, verifyImage answers with a report or an ApiError for
// the `file` param; it never throws anything else and never calls a damaged file valid.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiError } from '../../src/contract/api-error.ts';
import { createContentCredentials, type AtelierContentCredentials } from '../../src/provenance/c2pa-credentials.ts';
import { planManifest } from '../../src/provenance/manifest.ts';
import { verifyImage } from '../../src/provenance/verify.ts';
import { FORMATS, makeImage, manifestRanges } from './fixtures.ts';

let home: string;
let credentials: AtelierContentCredentials;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'atelier-prov-'));
  credentials = await createContentCredentials({ home, version: '1', notice: () => {} });
});
after(() => rm(home, { recursive: true, force: true }));

/** A small deterministic PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

for (const format of FORMATS) {
  test(`${format}: truncated and byte-mutated signed files never crash; only unsigned bytes inside the manifest store may change`, async () => {
    const signed = await credentials.sign({ image: await makeImage(format), format, model: 'm', action: 'created', ingredients: [] });
    const rand = prng(format.length * 7919);
    const ranges = manifestRanges(signed, format);
    assert.ok(ranges.length > 0, 'the manifest is where the format keeps it');
    const inManifest = (at: number) => ranges.some(([start, end]) => at >= start && at < end);
    const variants: { bytes: Buffer; at?: number }[] = [];
    for (const fraction of [0.05, 0.2, 0.5, 0.8, 0.95, 0.999]) variants.push({ bytes: signed.subarray(0, Math.floor(signed.length * fraction)) });
    for (let i = 0; i < 60; i++) {
      const copy = Buffer.from(signed);
      const at = 12 + Math.floor(rand() * (copy.length - 12)); // keep the magic bytes so c2pa-rs parses further
      copy[at] ^= 1 + Math.floor(rand() * 255);
      variants.push({ bytes: copy, at });
    }
    let reports = 0;
    let stillValid = 0;
    for (const { bytes, at } of variants) {
      try {
        const report = await verifyImage(bytes, { trustAnchorsPem: credentials.localTrustAnchorPem });
        reports++;
        // Only bytes that nothing signs can change without notice, and they all sit inside the manifest store: the
        // padding reserved for the signature, the COSE unprotected header, outer JUMBF box lengths. A changed pixel,
        // image header or truncation must never pass.
        if (report.valid) {
          stillValid++;
          assert.ok(at !== undefined && inManifest(at), `a change at byte ${at ?? 'truncation'} outside the manifest was accepted`);
        }
      } catch (err) {
        assert.ok(err instanceof ApiError && err.param === 'file', `unexpected ${String(err)}`);
      }
    }
    assert.ok(reports > variants.length / 2);
    assert.ok(stillValid < variants.length / 2);
  });
}

test('client-supplied ingredient titles are cleaned and bounded', () => {
  const plan = planManifest(
    {
      image: Buffer.alloc(0),
      format: 'png',
      model: 'm',
      action: 'edited',
      ingredients: [
        { data: Buffer.alloc(1), format: 'png', title: 'evil\u0000\nname\u001b[31m.png' },
        { data: Buffer.alloc(1), format: 'png', title: 'x'.repeat(5000) },
        { data: Buffer.alloc(1), format: 'png', title: '\n\t' },
      ],
    },
    '1',
  );
  assert.deepEqual(plan.ingredients.map((i) => i.title.length <= 200), [true, true, true]);
  assert.equal(plan.ingredients[0].title, 'evilname[31m.png');
  assert.equal(plan.ingredients[2].title, 'input-3');
});
