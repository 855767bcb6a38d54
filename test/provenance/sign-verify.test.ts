import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { Reader } from '@contentauth/c2pa-node';
import { createContentCredentials, type AtelierContentCredentials } from '../../src/provenance/c2pa-credentials.ts';
import { verifyImage } from '../../src/provenance/verify.ts';
import { generateCredentials } from '../../src/provenance/local-ca.ts';
import { TRAINED_ALGORITHMIC_MEDIA } from '../../src/provenance/manifest.ts';
import { FORMATS, changeOnePngPixel, flipImageDataBit, makeImage } from './fixtures.ts';

let home: string;
let credentials: AtelierContentCredentials;
const notices: string[] = [];

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'atelier-prov-'));
  credentials = await createContentCredentials({ home, version: '0.1.0-test', notice: (m) => notices.push(m) });
});
after(() => rm(home, { recursive: true, force: true }));

const signCreated = (image: Buffer, format: (typeof FORMATS)[number]) =>
  credentials.sign({ image, format, model: 'atelier-shapes', action: 'created', ingredients: [] });

describe('signing generated images', () => {
  test('the first run creates the local CA and says once that it is not publicly trusted', async () => {
    assert.equal(credentials.signer.source, 'local-ca');
    assert.equal(credentials.signer.alg, 'es256');
    assert.equal(notices.length, 1);
    assert.match(notices[0], /NOT publicly trusted/);
    const again = await createContentCredentials({ home, version: '0.1.0-test', notice: (m) => notices.push(m) });
    assert.equal(notices.length, 1, 'no second notice once the CA exists');
    assert.equal(again.localTrustAnchorPem, credentials.localTrustAnchorPem);
  });

  for (const format of FORMATS) {
    test(`${format}: c2pa-rs says Valid without anchors and Trusted with the local CA`, async () => {
      const image = await makeImage(format);
      const signed = await signCreated(image, format);
      assert.ok(signed.length > image.length);

      const untrusted = await verifyImage(signed);
      assert.equal(untrusted.state, 'valid');
      assert.deepEqual(untrusted.failure.map((f) => f.code), ['signingCredential.untrusted']);
      assert.ok(untrusted.success.includes('assertion.dataHash.match'), 'the hard binding was checked');

      const trusted = await verifyImage(signed, { trustAnchorsPem: credentials.localTrustAnchorPem });
      assert.equal(trusted.state, 'trusted');
      assert.equal(trusted.valid, true);
      assert.deepEqual(trusted.failure, []);
      assert.ok(trusted.success.includes('signingCredential.trusted'));
      assert.equal(trusted.claimGenerator, 'Atelier 0.1.0-test');
      assert.equal(trusted.softwareAgent, 'atelier-shapes');
      assert.deepEqual(
        trusted.actions.map((a) => [a.action, a.digitalSourceType]),
        [['c2pa.created', TRAINED_ALGORITHMIC_MEDIA]],
      );
      assert.equal(trusted.signer?.commonName, 'Atelier Content Credentials');
      assert.equal(trusted.signer?.alg?.toLowerCase(), 'es256');
    });

    test(`${format}: the signed file still decodes to the same picture`, async () => {
      const image = await makeImage(format);
      const signed = await signCreated(image, format);
      const [a, b] = await Promise.all([image, signed].map((buf) => sharp(buf).raw().toBuffer({ resolveWithObject: true })));
      assert.equal(b.info.width, a.info.width);
      assert.equal(b.info.height, a.info.height);
      assert.ok(a.data.equals(b.data), 'embedding the manifest must not touch the pixels');
    });
  }

  test('another CA as trust anchor leaves the image valid but not trusted', async () => {
    const foreign = await generateCredentials(new Date(), { ca: 'CN=Someone Else CA', signer: 'CN=Someone Else' });
    const signed = await signCreated(await makeImage('png'), 'png');
    const report = await verifyImage(signed, { trustAnchorsPem: foreign.caPem });
    assert.equal(report.state, 'valid');
    assert.ok(report.failure.some((f) => f.code === 'signingCredential.untrusted'));
  });

  test('output_compression: low-quality jpeg and webp are signed after compression and verify', async () => {
    for (const format of ['jpeg', 'webp'] as const) {
      for (const quality of [10, 55, 100]) {
        const signed = await signCreated(await makeImage(format, { quality }), format);
        const report = await verifyImage(signed, { trustAnchorsPem: credentials.localTrustAnchorPem });
        assert.equal(report.state, 'trusted', `${format} q${quality}`);
      }
    }
  });

  test('no thumbnail is embedded by default', async () => {
    const signed = await signCreated(await makeImage('jpeg'), 'jpeg');
    const reader = await Reader.fromAsset({ buffer: signed, mimeType: 'image/jpeg' });
    const store = reader?.json() as { active_manifest: string; manifests: Record<string, { thumbnail?: unknown }> };
    assert.equal(store.manifests[store.active_manifest].thumbnail, undefined);
  });
});

describe('tampering', () => {
  test('png: changing one pixel gives a hash mismatch', async () => {
    const signed = await signCreated(await makeImage('png'), 'png');
    const tampered = changeOnePngPixel(signed, 10, 7);

    // The tampered file is a proper PNG that differs from the signed one in exactly one pixel.
    const [a, b] = await Promise.all([signed, tampered].map((buf) => sharp(buf).raw().toBuffer()));
    let differing = 0;
    for (let p = 0; p < a.length; p += 3) if (a[p] !== b[p] || a[p + 1] !== b[p + 1] || a[p + 2] !== b[p + 2]) differing++;
    assert.equal(differing, 1);

    const report = await verifyImage(tampered, { trustAnchorsPem: credentials.localTrustAnchorPem });
    assert.equal(report.state, 'invalid');
    assert.equal(report.valid, false);
    assert.ok(report.failure.some((f) => f.code === 'assertion.dataHash.mismatch'), JSON.stringify(report.failure));
  });

  for (const format of ['jpeg', 'webp'] as const) {
    test(`${format}: one flipped bit in the compressed pixels gives a hash mismatch`, async () => {
      const signed = await signCreated(await makeImage(format), format);
      const report = await verifyImage(flipImageDataBit(signed, format), { trustAnchorsPem: credentials.localTrustAnchorPem });
      assert.equal(report.state, 'invalid');
      assert.ok(report.failure.some((f) => f.code === 'assertion.dataHash.mismatch'), JSON.stringify(report.failure));
    });
  }

  test('an image without credentials is reported absent, not valid', async () => {
    const report = await verifyImage(await makeImage('webp'));
    assert.equal(report.state, 'absent');
    assert.equal(report.valid, false);
  });

  test('non-images and empty input are rejected with the param named', async () => {
    await assert.rejects(verifyImage(Buffer.from('definitely not an image file')), { param: 'file', code: 'invalid_image_format' });
    await assert.rejects(verifyImage(Buffer.alloc(0)), { param: 'file', code: 'empty_file' });
    await assert.rejects(verifyImage(await makeImage('png'), { trustAnchorsPem: 'not pem' }), { param: 'trust_anchors' });
  });
});

describe('sign() input checks', () => {
  test('bytes that do not match the declared format are refused', async () => {
    const jpeg = await makeImage('jpeg');
    await assert.rejects(
      credentials.sign({ image: jpeg, format: 'png', model: 'm', action: 'created', ingredients: [] }),
      /bytes are jpeg, but format says png/,
    );
  });
});

describe('concurrency', () => {
  test('many images signed at once all verify (partial previews and n>1 sign in parallel)', async () => {
    const images = await Promise.all(Array.from({ length: 12 }, (_, i) => makeImage(FORMATS[i % 3], { seed: i })));
    const signed = await Promise.all(images.map((image, i) => signCreated(image, FORMATS[i % 3])));
    const reports = await Promise.all(signed.map((s) => verifyImage(s, { trustAnchorsPem: credentials.localTrustAnchorPem })));
    assert.deepEqual(reports.map((r) => r.state), Array(12).fill('trusted'));
  });
});

describe('transparent backgrounds and lossless webp', () => {
  const rgba = (width: number, height: number) => {
    const data = Buffer.alloc(width * height * 4);
    for (let i = 0; i < width * height; i++) data.writeUInt32BE(((i * 2654435761) | 0x0f) >>> 0, i * 4);
    return sharp(data, { raw: { width, height, channels: 4 } });
  };
  const variants: [string, (typeof FORMATS)[number], () => Promise<Buffer>][] = [
    ['png with alpha', 'png', () => rgba(64, 48).png().toBuffer()],
    ['webp with alpha (VP8X + ALPH)', 'webp', () => rgba(64, 48).webp({ quality: 70 }).toBuffer()],
    ['lossless webp (VP8L)', 'webp', () => rgba(64, 48).webp({ lossless: true }).toBuffer()],
    ['progressive jpeg', 'jpeg', () => rgba(64, 48).flatten().jpeg({ progressive: true, quality: 60 }).toBuffer()],
  ];
  for (const [name, format, make] of variants) {
    test(`${name}: signed, trusted, pixels untouched`, async () => {
      const image = await make();
      const signed = await signCreated(image, format);
      assert.equal((await verifyImage(signed, { trustAnchorsPem: credentials.localTrustAnchorPem })).state, 'trusted');
      const [a, b] = await Promise.all([image, signed].map((buf) => sharp(buf).raw().toBuffer()));
      assert.ok(a.equals(b));
    });
  }
});
