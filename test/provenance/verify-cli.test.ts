import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/verify.ts';
import { createContentCredentials } from '../../src/provenance/c2pa-credentials.ts';
import { changeOnePngPixel, makeImage } from './fixtures.ts';

let home: string;
let files: { signed: string; tampered: string; plain: string; ca: string };
const savedHome = process.env.ATELIER_HOME;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'atelier-prov-'));
  process.env.ATELIER_HOME = home;
  const credentials = await createContentCredentials({ home, version: '0.1.0', notice: () => {} });
  const signed = await credentials.sign({ image: await makeImage('png'), format: 'png', model: 'atelier-shapes', action: 'created', ingredients: [] });
  files = { signed: join(home, 'signed.png'), tampered: join(home, 'tampered.png'), plain: join(home, 'plain.webp'), ca: credentials.signer.caCertPath ?? '' };
  await writeFile(files.signed, signed);
  await writeFile(files.tampered, changeOnePngPixel(signed, 3, 3));
  await writeFile(files.plain, await makeImage('webp'));
});
after(async () => {
  if (savedHome === undefined) delete process.env.ATELIER_HOME;
  else process.env.ATELIER_HOME = savedHome;
  await rm(home, { recursive: true, force: true });
});

/** Runs the command with console output captured. */
async function verify(...args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = console.log;
  const error = console.error;
  console.log = (...a: unknown[]) => lines.push(a.join(' '));
  console.error = (...a: unknown[]) => lines.push(a.join(' '));
  try {
    return { code: await run(args), out: lines.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('a signed image is trusted with this machine\'s CA and exits 0, printing the summary', async () => {
  const { code, out } = await verify(files.signed);
  assert.equal(code, 0);
  assert.match(out, /signed\.png: TRUSTED/);
  assert.match(out, /claim generator\s+Atelier 0\.1\.0/);
  assert.match(out, /made by\s+atelier-shapes/);
  assert.match(out, /action\s+c2pa\.created\s+trainedAlgorithmicMedia/);
  assert.match(out, /signed by\s+Atelier Content Credentials/);
});

test('without trust anchors it is valid (exit 0) but fails --require-trusted (exit 1)', async () => {
  const plain = await verify('--ignore-local-ca', files.signed);
  assert.equal(plain.code, 0);
  assert.match(plain.out, /VALID/);
  assert.match(plain.out, /not trusted\s+signingCredential\.untrusted/);
  assert.equal((await verify('--ignore-local-ca', '--require-trusted', files.signed)).code, 1);
  const anchored = await verify('--ignore-local-ca', '--require-trusted', '--trust-anchors', files.ca, files.signed);
  assert.equal(anchored.code, 0);
});

test('a tampered image, an unsigned image and a missing file each make the exit status 1', async () => {
  const tampered = await verify(files.tampered);
  assert.equal(tampered.code, 1);
  assert.match(tampered.out, /INVALID/);
  assert.match(tampered.out, /FAILURE\s+assertion\.dataHash\.mismatch/);
  const plain = await verify(files.plain);
  assert.equal(plain.code, 1);
  assert.match(plain.out, /ABSENT/);
  const mixed = await verify(files.signed, join(home, 'nope.png'));
  assert.equal(mixed.code, 1, 'one bad file fails the whole run');
  assert.match(mixed.out, /nope\.png: ERROR/);
});

test('--json prints one report per file', async () => {
  const { code, out } = await verify('--json', files.signed, files.tampered);
  assert.equal(code, 1);
  const reports = JSON.parse(out) as Record<string, { state: string }>;
  assert.equal(reports[files.signed].state, 'trusted');
  assert.equal(reports[files.tampered].state, 'invalid');
});

test('usage errors exit 2', async () => {
  assert.equal((await verify()).code, 2);
  assert.equal((await verify('--bogus', files.signed)).code, 2);
  assert.equal((await verify('--trust-anchors', join(home, 'missing-ca.pem'), files.signed)).code, 2);
});

test('`atelier verify` is reachable through the real binary', () => {
  const r = spawnSync(process.execPath, ['bin/atelier.js', 'verify', files.signed], { encoding: 'utf8', env: { ...process.env, ATELIER_HOME: home } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /TRUSTED/);
  const bad = spawnSync(process.execPath, ['bin/atelier.js', 'verify', files.tampered], { encoding: 'utf8', env: { ...process.env, ATELIER_HOME: home } });
  assert.equal(bad.status, 1);
});
