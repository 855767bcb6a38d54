// The CLI as a user runs it (a child process through bin/atelier.js): `models` lists installed models and aliases,
// `generate` writes real images from a local model and prints their paths, `serve` answers over HTTP.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { metadataOf } from '../helpers/images.ts';
import { spawnServe } from '../helpers/spawn-serve.ts';

const root = join(import.meta.dirname, '..', '..');
const fixture = join(root, 'test', 'fixtures', 'models', 'tiny-sd');

describe('atelier CLI', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'atelier-cli-'));
    mkdirSync(join(home, 'models'), { recursive: true });
    cpSync(fixture, join(home, 'models', 'tiny-sd'), { recursive: true });
    env = { ...process.env, ATELIER_HOME: home, HF_HUB_CACHE: join(home, 'hf') };
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const atelier = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin', 'atelier.js'), ...args], { env, encoding: 'utf8', timeout: 120_000 });

  it('models lists the installed model and the aliases, and creates the config', () => {
    const r = atelier('models');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Installed models:\n\s+tiny-sd/);
    assert.match(r.stdout, /gpt-image-1\s+-> atelier-shapes/);
    const config = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
    assert.equal(config.port, 8080);
  });

  it('generate writes the images and prints their paths', async () => {
    const out = join(home, 'out');
    const r = atelier('generate', 'a red circle', '--model', 'tiny-sd', '--n', '2', '--size', '1024x1536', '--format', 'jpeg', '--quality', 'low', '--seed', '5', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    const paths = r.stdout.trim().split('\n');
    assert.equal(paths.length, 2);
    for (const path of paths) {
      assert.ok(path.startsWith(out) && path.endsWith('.jpg'), path);
      const meta = await metadataOf(readFileSync(path));
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 1024, 1536]);
    }
    assert.match(r.stderr, /seed 5/);
  });

  it('generate reports bad options and missing models as errors', () => {
    const bad = atelier('generate', 'x', '--model', 'tiny-sd', '--n', '11');
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /integer above maximum value.*'n'/);
    const missing = atelier('generate', 'x', '--model', 'sd-turbo');
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /sd-turbo/);
    assert.match(missing.stderr, /atelier pull sd-turbo/);
    assert.equal(atelier('generate').status, 2);
  });

  it('serve listens on --port and answers the API', async () => {
    writeFileSync(join(home, 'config.json'), JSON.stringify({ aliases: { 'gpt-image-1': 'tiny-sd' } }));
    const { child, url } = await spawnServe(env);
    try {
      const models = await (await fetch(`${url}/v1/models`)).json();
      assert.ok(models.data.some((m: { id: string }) => m.id === 'tiny-sd'));
      const res = await fetch(`${url}/v1/images/generations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-image-1', prompt: 'a circle', quality: 'low' }),
      });
      assert.equal(res.status, 200);
      assert.equal((await res.json()).data.length, 1);
    } finally {
      child.kill('SIGTERM');
    }
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0, 'exits cleanly on SIGTERM');
  });
});
