import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { fetchSnapshot, HubError, hubSettingsFromEnv, type HubSettings } from '../../src/diffusion/hub/download.ts';
import { pullModel } from '../../src/diffusion/hub/pull.ts';
import { createDiffusionProvider } from '../../src/diffusion/provider.ts';
import type { CatalogEntry } from '../../src/diffusion/catalog.ts';
import { MockHub } from './mock-hub.ts';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'models', 'tiny-sd');
const COMMIT_A = 'a'.repeat(40);
const COMMIT_B = 'b'.repeat(40);
const modelFiles = ['model_index.json', 'scheduler/scheduler_config.json', 'tokenizer/vocab.json', 'tokenizer/merges.txt',
  'tokenizer/special_tokens_map.json', 'tokenizer/tokenizer_config.json', 'text_encoder/model.onnx', 'unet/model.onnx',
  'vae_decoder/model.onnx', 'vae_encoder/model.onnx', 'vae_decoder/config.json'];
const big = randomBytes(300_000);

const hub = new MockHub({
  'atelier-test/tiny-onnx': {
    commit: COMMIT_A,
    files: Object.fromEntries(modelFiles.filter((f) => f.endsWith('.onnx')).map((f) => [f, { content: readFileSync(join(fixture, f)), lfs: true }])),
  },
  'atelier-test/tiny-base': {
    commit: COMMIT_B,
    files: {
      ...Object.fromEntries(modelFiles.filter((f) => !f.endsWith('.onnx')).map((f) => [f, { content: readFileSync(join(fixture, f)) }])),
      'big.bin': { content: big, lfs: true },
      'bad.bin': { content: Buffer.from('the real bytes'), lfs: true, corruptWith: Buffer.from('tampered bytes') },
    },
  },
  'atelier-test/gated': { commit: 'c'.repeat(40), token: 'hf_other', files: { 'a.json': { content: Buffer.from('{}') } } },
});

const entry: CatalogEntry = {
  id: 'tiny-pulled',
  description: 'pulled from the mock hub',
  downloadBytes: 0,
  sources: [
    {
      repo: 'atelier-test/tiny-onnx', revision: 'main', files: modelFiles.filter((f) => f.endsWith('.onnx') && !f.startsWith('vae_encoder')),
      optional: ['vae_encoder/model.onnx', 'unet/model.onnx_data'],
    },
    { repo: 'atelier-test/tiny-base', revision: 'main', files: modelFiles.filter((f) => !f.endsWith('.onnx')) },
  ],
  defaults: { guidanceScale: 0, nativeSize: 64, quality: { low: { steps: 1 }, medium: { steps: 1 }, high: { steps: 2 } } },
};

let settings: HubSettings;
before(async () => {
  await hub.start();
  settings = hubSettingsFromEnv(mkdtempSync(join(tmpdir(), 'atelier-hf-')), { HF_ENDPOINT: hub.url, HF_TOKEN: 'hf_test_token' });
});
after(() => hub.stop());

test('pull assembles a loadable model from two repos, in the standard HF cache layout, with the token sent', async () => {
  const home = mkdtempSync(join(tmpdir(), 'atelier-home-'));
  const progress: number[] = [];
  const result = await pullModel(entry, home, settings, (p) => progress.push(p.done));
  assert.ok(progress.length > 0);
  const repoDir = join(settings.cacheDir, 'models--atelier-test--tiny-onnx');
  assert.equal(readFileSync(join(repoDir, 'refs', 'main'), 'utf8'), COMMIT_A);
  const link = readlinkSync(join(repoDir, 'snapshots', COMMIT_A, 'unet', 'model.onnx'));
  const unetSha = createHash('sha256').update(readFileSync(join(fixture, 'unet', 'model.onnx'))).digest('hex');
  assert.equal(link, join('..', '..', '..', 'blobs', unetSha), 'relative link into blobs/<sha256>');
  assert.ok(hub.log.every((l) => l.auth === 'Bearer hf_test_token'), 'HF_TOKEN sent on every request');
  assert.ok(result.downloaded > 0);
  assert.ok(existsSync(join(home, 'models', 'tiny-pulled', 'vae_encoder', 'model.onnx')), 'optional file present: fetched');
  assert.ok(!existsSync(join(home, 'models', 'tiny-pulled', 'unet', 'model.onnx_data')), 'optional file absent: skipped');

  const provider = createDiffusionProvider({ home, hfCacheDir: settings.cacheDir, settings: { threads: 1 } });
  const listed = (await provider.list()).find((m) => m.id === 'tiny-pulled');
  assert.equal(listed?.installed, true);
  const engine = await provider.load('tiny-pulled');
  const out = await engine.generate({
    task: 'text-to-image', prompt: 'a fox', images: [], width: 512, height: 512, n: 1, quality: 'low', seed: 1,
    partialImages: 0, signal: new AbortController().signal,
  });
  assert.equal(out.images[0].width, 64);
  await engine.dispose();

  // A second pull reuses the cache: metadata requests only, no file transfers.
  const before = hub.downloads().length;
  const again = await pullModel(entry, home, settings);
  assert.equal(again.downloaded, 0);
  assert.equal(hub.downloads().length, before);
});

test('an interrupted download resumes from the .incomplete file with a Range request', async () => {
  const sha = createHash('sha256').update(big).digest('hex');
  const blobs = join(settings.cacheDir, 'models--atelier-test--tiny-base', 'blobs');
  mkdirSync(blobs, { recursive: true });
  writeFileSync(join(blobs, `${sha}.incomplete`), big.subarray(0, 100_000));
  const snap = await fetchSnapshot({ repo: 'atelier-test/tiny-base', revision: 'main', files: ['big.bin'] }, settings);
  assert.equal(snap.downloaded, 200_000, 'only the missing part was transferred');
  assert.ok(hub.log.some((l) => l.url.endsWith('/big.bin') && l.range?.startsWith('bytes=100000-')), 'ranged request');
  assert.deepEqual(readFileSync(join(snap.dir, 'big.bin')), big);
  assert.ok(!existsSync(join(blobs, `${sha}.incomplete`)));
});

test('a blob being downloaded by a live process is not touched; a stale lock is taken over', async () => {
  const content = randomBytes(5000);
  hub.repos['atelier-test/tiny-base'].files['locked.bin'] = { content, lfs: true };
  const sha = createHash('sha256').update(content).digest('hex');
  const blobs = join(settings.cacheDir, 'models--atelier-test--tiny-base', 'blobs');
  mkdirSync(blobs, { recursive: true });
  writeFileSync(join(blobs, `${sha}.lock`), String(process.pid)); // "another" live downloader
  await assert.rejects(fetchSnapshot({ repo: 'atelier-test/tiny-base', revision: 'main', files: ['locked.bin'] }, settings), /another download/);
  writeFileSync(join(blobs, `${sha}.lock`), '2147483646'); // a pid that does not exist
  const snap = await fetchSnapshot({ repo: 'atelier-test/tiny-base', revision: 'main', files: ['locked.bin'] }, settings);
  assert.deepEqual(readFileSync(join(snap.dir, 'locked.bin')), content);
  assert.ok(!existsSync(join(blobs, `${sha}.lock`)), 'lock released');
});

test('a checksum mismatch is refused and nothing is published', async () => {
  await assert.rejects(
    fetchSnapshot({ repo: 'atelier-test/tiny-base', revision: 'main', files: ['bad.bin'] }, settings),
    (e: unknown) => e instanceof HubError && /failed verification/.test(e.message),
  );
  const blobs = readdirSync(join(settings.cacheDir, 'models--atelier-test--tiny-base', 'blobs'));
  const bad = createHash('sha256').update('the real bytes').digest('hex');
  assert.ok(!blobs.some((b) => b.startsWith(bad)), 'no blob, no resumable partial');
});

test('offline mode serves the cache and refuses what is not there; missing files are named', async () => {
  const offline = { ...settings, offline: true, endpoint: 'http://127.0.0.1:9' };
  const snap = await fetchSnapshot({ repo: 'atelier-test/tiny-onnx', revision: 'main', files: ['unet/model.onnx'] }, offline);
  assert.equal(snap.commit, COMMIT_A);
  await assert.rejects(fetchSnapshot({ repo: 'atelier-test/other', revision: 'main', files: ['x'] }, offline), /offline mode/);
  await assert.rejects(fetchSnapshot({ repo: 'atelier-test/tiny-base', revision: 'main', files: ['nope.onnx'] }, settings), /has no file nope\.onnx/);
  await assert.rejects(fetchSnapshot({ repo: 'atelier-test/gated', revision: 'main', files: ['a.json'] }, settings), /access denied \(HTTP 401\).*HF_TOKEN/);
  const withToken = await fetchSnapshot({ repo: 'atelier-test/gated', revision: 'main', files: ['a.json'] }, { ...settings, token: 'hf_other' });
  assert.equal(readFileSync(join(withToken.dir, 'a.json'), 'utf8'), '{}');
  await assert.rejects(fetchSnapshot({ repo: 'atelier-test/missing', revision: 'main', files: ['x'] }, settings), /not found on the Hub \(HTTP 404\)/);
  await assert.rejects(fetchSnapshot({ repo: 'atelier-test/tiny-base', revision: 'main', files: ['x'] }, { ...settings, endpoint: 'http://127.0.0.1:9' }),
    (e: unknown) => e instanceof HubError && /cannot reach the Hub/.test(e.message));
  assert.equal(hubSettingsFromEnv('/c', { HF_HUB_OFFLINE: '1' }).offline, true);
  await assert.rejects(fetchSnapshot({ repo: 'atelier-test/tiny-base', revision: '../../x', files: ['x'] }, settings), /not a valid revision/);
  // A hostile endpoint cannot steer writes outside the cache through the object id it reports.
  const hostile: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (!String(input).includes('/paths-info/')) return res;
    const body = (await res.json()) as { oid: string }[];
    return new Response(JSON.stringify(body.map((b) => ({ ...b, oid: '../../../../tmp/evil' }))), { status: 200, headers: { 'content-type': 'application/json' } });
  };
  await assert.rejects(fetchSnapshot({ repo: 'atelier-test/tiny-base', revision: 'main', files: ['model_index.json'] }, { ...settings, fetch: hostile }), /invalid object id/);
  assert.equal(hubSettingsFromEnv('/c', {}).endpoint, 'https://huggingface.co');
});
