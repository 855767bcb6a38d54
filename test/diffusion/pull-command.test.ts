import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/commands/pull.ts';
import { catalogEntry } from '../../src/diffusion/catalog.ts';
import { looksLikeModelFolder } from '../../src/diffusion/model-folder.ts';
import { createDiffusionProvider } from '../../src/diffusion/provider.ts';
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
  // A third-party repo in the diffusers ONNX layout, with PyTorch weights and a README that must not be fetched.
  const tinyLcm = join(import.meta.dirname, '..', 'fixtures', 'models', 'tiny-lcm');
  const lcmFiles: Record<string, MockFile> = {
    'README.md': { content: Buffer.from('# tiny') },
    'unet/diffusion_pytorch_model.safetensors': { content: Buffer.alloc(1000), lfs: true },
  };
  for (const f of ['model_index.json', 'scheduler/scheduler_config.json', 'tokenizer/vocab.json', 'tokenizer/merges.txt',
    'tokenizer/special_tokens_map.json', 'tokenizer/tokenizer_config.json', 'text_encoder/model.onnx', 'unet/model.onnx',
    'unet/config.json', 'vae_decoder/model.onnx', 'vae_encoder/model.onnx', 'atelier.json']) {
    lcmFiles[f] = { content: readFileSync(join(tinyLcm, f)), lfs: f.endsWith('.onnx') };
  }
  repos['someone/tiny-lcm-onnx'] = { commit: 'e'.repeat(40), files: lcmFiles };
  repos['someone/not-a-model'] = { commit: 'f'.repeat(40), files: { 'README.md': { content: Buffer.from('hi') } } };
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
    assert.equal(await run(['someone/tiny-lcm-onnx', '--quiet']), 0);
    assert.ok(!hub.log.some((l) => l.url.includes('safetensors') || l.url.includes('README')), 'only ONNX-layout files fetched');
    const provider = createDiffusionProvider({ home, hfCacheDir: process.env.HF_HUB_CACHE, settings: { threads: 1 } });
    const engine = await provider.load('someone/tiny-lcm-onnx');
    assert.equal(engine.info.id, 'someone/tiny-lcm-onnx');
    await engine.dispose();
    assert.equal(await run(['someone/not-a-model', '--quiet']), 1);
    process.env.HF_HUB_OFFLINE = '1';
    assert.equal(await run(['sd-turbo', '--home', home, '--quiet']), 0, 'offline re-pull from the cache');
    assert.equal(await run(['sdxl-turbo', '--home', home, '--quiet']), 1, 'offline and not cached');
  } finally {
    process.env = saved;
    await hub.stop();
  }
});
