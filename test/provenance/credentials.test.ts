import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, sign } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { ApiError } from '../../src/contract/api-error.ts';
import { createContentCredentials } from '../../src/provenance/c2pa-credentials.ts';
import { ensureLocalCredentials, generateCredentials } from '../../src/provenance/local-ca.ts';
import { keySigner, splitPemCertificates } from '../../src/provenance/key-signer.ts';
import type { RemoteSigner } from '../../src/provenance/content-credentials.ts';
import { verifyImage } from '../../src/provenance/verify.ts';
import { makeImage, withTempHome } from './fixtures.ts';
import { startTestTsa } from './tsa-double.ts';

test('the local CA and signing certificate have the profile C2PA requires', () =>
  withTempHome(async (home) => {
    const local = await ensureLocalCredentials(home);
    assert.equal(local.created, true);
    assert.equal((await stat(local.keyPath)).mode & 0o777, 0o600, 'the private key is readable by its owner only');
    assert.match(local.keyPem, /^-----BEGIN PRIVATE KEY-----/, 'PKCS#8');
    assert.equal(createPrivateKey(local.keyPem).asymmetricKeyDetails?.namedCurve, 'prime256v1');

    const [leafPem, caPem] = splitPemCertificates(local.chainPem);
    const leaf = new X509Certificate(leafPem);
    const ca = new X509Certificate(caPem);
    assert.equal(ca.toString(), new X509Certificate(local.caPem).toString());
    assert.equal(ca.ca, true);
    assert.equal(leaf.ca, false);
    assert.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
    assert.deepEqual([...(leaf.keyUsage ?? [])].sort(), ['1.3.6.1.5.5.7.3.36', '1.3.6.1.5.5.7.3.4']);

    const pLeaf = new x509.X509Certificate(leafPem);
    const ku = pLeaf.getExtension(x509.KeyUsagesExtension);
    assert.equal(ku?.critical, true);
    assert.equal(ku?.usages, x509.KeyUsageFlags.digitalSignature);
    const bc = pLeaf.getExtension(x509.BasicConstraintsExtension);
    assert.equal(bc?.critical, true);
    assert.equal(bc?.ca, false);
    assert.ok(pLeaf.getExtension(x509.SubjectKeyIdentifierExtension));
    assert.ok(pLeaf.getExtension(x509.AuthorityKeyIdentifierExtension));
    const caKu = new x509.X509Certificate(caPem).getExtension(x509.KeyUsagesExtension);
    assert.equal(caKu?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);

    const again = await ensureLocalCredentials(home);
    assert.equal(again.created, false);
    assert.equal(again.keyPem, local.keyPem, 'the same identity is reused on later runs');
  }));

test('a configured certificate and key sign, and verify as trusted against their own CA', () =>
  withTempHome(async (home) => {
    const own = await generateCredentials(new Date(), { ca: 'CN=Example Corp Root, O=Example Corp', signer: 'CN=Example Corp Images, O=Example Corp' });
    const certPath = join(home, 'chain.pem');
    const keyPath = join(home, 'key.pem');
    await writeFile(certPath, own.chainPem);
    await writeFile(keyPath, own.keyPem);
    const notices: string[] = [];
    const credentials = await createContentCredentials({ home, certPath, keyPath, version: '1', notice: (m) => notices.push(m) });
    assert.equal(credentials.signer.source, 'configured');
    assert.match(credentials.signer.subject ?? '', /Example Corp Images/);
    assert.equal(credentials.localTrustAnchorPem, undefined);
    assert.deepEqual(notices, [], 'no local-CA notice when a certificate is configured');

    const signed = await credentials.sign({ image: await makeImage('jpeg'), format: 'jpeg', model: 'm', action: 'created', ingredients: [] });
    assert.equal((await verifyImage(signed, { trustAnchorsPem: own.caPem })).state, 'trusted');
    assert.equal((await verifyImage(signed)).state, 'valid');
  }));

test('a remote signer (KMS/HSM) signs through the same path', () =>
  withTempHome(async (home) => {
    const own = await generateCredentials();
    const kmsKey = createPrivateKey(own.keyPem); // stands in for a key that lives in a KMS
    const requests: number[] = [];
    const remote: RemoteSigner = {
      alg: 'es256',
      certificateChainPem: own.chainPem,
      sign: async (data) => {
        requests.push(data.length);
        return sign('sha256', data, { key: kmsKey, dsaEncoding: 'ieee-p1363' });
      },
    };
    const credentials = await createContentCredentials({ home, signer: remote, version: '1' });
    assert.equal(credentials.signer.source, 'remote');
    const signed = await credentials.sign({ image: await makeImage('webp'), format: 'webp', model: 'm', action: 'created', ingredients: [] });
    assert.equal((await verifyImage(signed, { trustAnchorsPem: own.caPem })).state, 'trusted');
    assert.equal(requests.length, 2, 'one signature for the startup self-check, one for the image');
  }));

test('a remote signer whose key does not match its certificate fails the startup self-check', () =>
  withTempHome(async (home) => {
    const own = await generateCredentials();
    const otherKey = createPrivateKey((await generateCredentials()).keyPem); // e.g. the KMS key was rotated
    const remote: RemoteSigner = {
      alg: 'es256',
      certificateChainPem: own.chainPem,
      sign: async (data) => sign('sha256', data, { key: otherKey, dsaEncoding: 'ieee-p1363' }),
    };
    await assert.rejects(
      createContentCredentials({ home, signer: remote, version: '1' }),
      /self-check failed: c2pa-rs reports invalid: claimSignature.mismatch/,
    );
  }));

test('misconfigured credentials stop startup with a clear message', () =>
  withTempHome(async (home) => {
    const a = await generateCredentials();
    const b = await generateCredentials();
    assert.throws(() => keySigner(a.chainPem, b.keyPem), /does not match the signing certificate/);
    assert.throws(() => keySigner('no certificates here', a.keyPem), /no PEM certificate/);
    assert.throws(() => keySigner(a.chainPem, 'not a key'), /cannot read the private key/);
    const old = await generateCredentials(new Date(Date.UTC(2020, 0, 1)));
    assert.throws(() => keySigner(old.chainPem, old.keyPem), /expired/);
    // Found by the startup self-check: c2pa-rs fails the claim signature of a signer without an organization.
    const noOrg = await generateCredentials(new Date(), { ca: 'CN=Root, O=X', signer: 'CN=Images' });
    assert.throws(() => keySigner(noOrg.chainPem, noOrg.keyPem), /no organization/);

    const certPath = join(home, 'c.pem');
    await writeFile(certPath, a.chainPem);
    await assert.rejects(createContentCredentials({ home, certPath, version: '1' }), /needs its private key/);
    await assert.rejects(
      createContentCredentials({ home, certPath: join(home, 'missing.pem'), keyPath: join(home, 'missing-key.pem'), version: '1' }),
      /cannot read the signing certificate/,
    );
    const remote: RemoteSigner = { alg: 'es256', certificateChainPem: a.chainPem, sign: async () => Buffer.alloc(64) };
    await assert.rejects(createContentCredentials({ home, certPath, keyPath: certPath, signer: remote, version: '1' }), /not both/);
  }));

test('the timestamp authority gets an RFC 3161 query; when it fails, signing fails closed with a clear error', () =>
  withTempHome(async (home) => {
    const queries: { type?: string; bytes: number }[] = [];
    const tsa = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        queries.push({ type: req.headers['content-type'], bytes: Buffer.concat(chunks).length });
        res.writeHead(503).end();
      });
    });
    await new Promise<void>((ok) => tsa.listen(0, '127.0.0.1', ok));
    try {
      const { port } = tsa.address() as AddressInfo;
      const tsaUrl = `http://127.0.0.1:${port}/tsa`;
      await assert.rejects(createContentCredentials({ home, tsaUrl, version: '1', notice: () => {} }), /could not be signed.*503/);
      const credentials = await createContentCredentials({ home, tsaUrl, version: '1', selfCheck: false });
      await assert.rejects(
        credentials.sign({ image: await makeImage('png'), format: 'png', model: 'm', action: 'created', ingredients: [] }),
        (err: unknown) => err instanceof ApiError && err.status === 500 && err.code === 'content_credentials_failed',
      );
      assert.equal(queries.length, 2);
      assert.equal(queries[0].type, 'application/timestamp-query');
      assert.ok(queries[0].bytes > 40, 'a DER TimeStampReq with the signature digest');
    } finally {
      tsa.close();
    }
  }));

test('concurrent first runs agree on one local identity', () =>
  withTempHome(async (home) => {
    const all = await Promise.all(Array.from({ length: 6 }, () => ensureLocalCredentials(home)));
    assert.equal(all.filter((c) => c.created).length, 1, 'exactly one caller creates the CA');
    assert.equal(new Set(all.map((c) => c.keyPem)).size, 1);
    assert.equal(new Set(all.map((c) => c.chainPem)).size, 1);
    keySigner(all[0].chainPem, all[0].keyPem); // the key on disk belongs to the chain on disk
  }));

test('a remote signer that never answers fails the signing after the timeout instead of hanging', () =>
  withTempHome(async (home) => {
    const own = await generateCredentials();
    const remote: RemoteSigner = { alg: 'es256', certificateChainPem: own.chainPem, sign: () => new Promise<Buffer>(() => {}) };
    const credentials = await createContentCredentials({ home, signer: remote, version: '1', selfCheck: false, signTimeoutMs: 200 });
    await assert.rejects(
      credentials.sign({ image: await makeImage('png'), format: 'png', model: 'm', action: 'created', ingredients: [] }),
      (err: unknown) => err instanceof ApiError && err.status === 500 && /did not answer within 200 ms/.test(err.message),
    );
  }));

for (const [keyType, alg] of [['P-384', 'es384'], ['Ed25519', 'ed25519'], ['RSA', 'ps256']] as const) {
  test(`a configured ${keyType} signing key signs as ${alg} and verifies as trusted`, () =>
    withTempHome(async (home) => {
      const own = await generateCredentials(new Date(), { ca: 'CN=Example Root, O=Example', signer: 'CN=Example Images, O=Example' }, keyType);
      const certPath = join(home, 'chain.pem');
      const keyPath = join(home, 'key.pem');
      await writeFile(certPath, own.chainPem);
      await writeFile(keyPath, own.keyPem);
      const credentials = await createContentCredentials({ home, certPath, keyPath, version: '1' });
      assert.equal(credentials.signer.alg, alg);
      const signed = await credentials.sign({ image: await makeImage('webp'), format: 'webp', model: 'm', action: 'created', ingredients: [] });
      const report = await verifyImage(signed, { trustAnchorsPem: own.caPem });
      assert.equal(report.state, 'trusted', JSON.stringify(report.failure));
      assert.equal(report.signer?.alg?.toLowerCase(), alg);
    }));
}

test('with a timestamp authority, signatures carry an RFC 3161 timestamp that c2pa-rs validates', () =>
  withTempHome(async (home) => {
    const tsa = await startTestTsa();
    try {
      const credentials = await createContentCredentials({ home, tsaUrl: tsa.url, version: '1', notice: () => {} });
      const before = tsa.requests;
      const signed = await credentials.sign({ image: await makeImage('jpeg'), format: 'jpeg', model: 'm', action: 'created', ingredients: [] });
      assert.equal(tsa.requests, before + 1, 'one timestamp per image');

      const report = await verifyImage(signed, { trustAnchorsPem: `${credentials.localTrustAnchorPem}\n${tsa.caPem}` });
      assert.equal(report.state, 'trusted');
      assert.ok(report.success.includes('timeStamp.validated'));
      assert.ok(report.success.includes('timeStamp.trusted'));
      assert.ok(report.signer?.time, 'the signing time comes from the TSA');
      assert.ok(Math.abs(Date.parse(report.signer.time) - Date.now()) < 120_000);

      // Without the TSA's CA the timestamp is still checked, only reported as untrusted.
      const partial = await verifyImage(signed, { trustAnchorsPem: credentials.localTrustAnchorPem });
      assert.equal(partial.state, 'trusted');
      assert.ok(partial.informational.includes('timeStamp.untrusted'));
    } finally {
      await tsa.close();
    }
  }));

test('a failing signer is asked once per image, even for edits (no retry that would repeat the KMS call)', () =>
  withTempHome(async (home) => {
    const own = await generateCredentials();
    let calls = 0;
    const remote: RemoteSigner = {
      alg: 'es256',
      certificateChainPem: own.chainPem,
      sign: async () => {
        calls++;
        throw new Error('KMS: access denied');
      },
    };
    const credentials = await createContentCredentials({ home, signer: remote, version: '1', selfCheck: false });
    await assert.rejects(
      credentials.sign({
        image: await makeImage('png'),
        format: 'png',
        model: 'm',
        action: 'edited',
        ingredients: [{ data: await makeImage('jpeg'), format: 'jpeg', title: 'in.jpg' }],
      }),
      (err: unknown) => err instanceof ApiError && err.code === 'content_credentials_failed' && /access denied/.test(err.message),
    );
    assert.equal(calls, 1);
  }));
