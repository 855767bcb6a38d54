import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/pull.ts';
import { catalogEntry } from '../../src/diffusion/catalog.ts';
import { looksLikeModelFolder } from '../../src/diffusion/model-folder.ts';
import { MockHub, type MockFile } from './mock-hub.ts';

const fixture = join(import.meta.dirname, '..', 'fixtures', 'models', 'tiny-sd');

test('`atelier pull sd-turbo` fetches the catalog sources (served by a mock Hub) and assembles the model', async () => {
  const entry = catalogEntry('sd-turbo');
  assert.ok(entry);
  // The mock serves the tiny fixture under the real repo names and paths the catalog lists.
  const repos: Record<string, { commit: string; files: Record<string, MockFile> }> = {};
  for (const [i, s] of entry.sources.entries()) {
    repos[s.repo] = {
      commit: String(i + 1).repeat(40),
      files: Object.fromEntries([...s.files, ...(s.optional ?? []).filter((f) => existsSync(join(fixture, f)))].map((f) => [f, { content: readFileSync(join(fixture, f)), lfs: f.endsWith('.onnx') }])),
    };
  }
  const hub = new MockHub(repos);
  await hub.start();
  const home = mkdtempSync(join(tmpdir(), 'atelier-home-'));
  const saved = { ...process.env };
  process.env.HF_ENDPOINT = hub.url;
  process.env.HF_HUB_CACHE = mkdtempSync(join(tmpdir(), 'atelier-hf-'));
  delete process.env.HF_HUB_OFFLINE;
  try {
    assert.equal(await run(['sd-turbo', '--home', home, '--quiet']), 0);
    const dir = join(home, 'models', 'sd-turbo');
    assert.ok(looksLikeModelFolder(dir));
    const atelier = JSON.parse(readFileSync(join(dir, 'atelier.json'), 'utf8')) as { guidance_scale: number; native_size: number };
    assert.equal(atelier.guidance_scale, 0);
    assert.equal(atelier.native_size, 512);
    assert.equal(await run(['no-such-model', '--home', home]), 2);
    process.env.HF_HUB_OFFLINE = '1';
    assert.equal(await run(['sd-turbo', '--home', home, '--quiet']), 0, 'offline re-pull from the cache');
    assert.equal(await run(['sdxl-turbo', '--home', home, '--quiet']), 1, 'offline and not cached');
  } finally {
    process.env = saved;
    await hub.stop();
  }
});
