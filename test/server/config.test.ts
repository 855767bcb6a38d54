// $ATELIER_HOME/config.json: created on first run, merged over defaults, wrong types rejected with the path.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { atelierHome, loadConfig } from '../../src/config/config.ts';
import { ImageStore } from '../../src/server/image-store.ts';
import { JobQueue } from '../../src/server/job-queue.ts';

describe('config', () => {
  it('creates the data dir and a default config on first run, then reads edits', () => {
    const root = mkdtempSync(join(tmpdir(), 'atelier-config-'));
    try {
      const home = join(root, 'home');
      const first = loadConfig(home);
      assert.equal(first.port, 8080);
      assert.equal(first.aliases['gpt-image-1'], 'atelier-shapes');
      const written = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'));
      assert.equal(written.host, '127.0.0.1');
      writeFileSync(join(home, 'config.json'), JSON.stringify({ port: 9000, aliases: { 'gpt-image-1': 'sd-turbo' }, defaults: { quality: 'low', model: 'gpt-image-1' }, limits: { maxConcurrentJobs: 2 } }));
      const edited = loadConfig(home);
      assert.deepEqual([edited.port, edited.aliases['gpt-image-1'], edited.aliases['dall-e-2'], edited.defaults.quality, edited.limits.maxConcurrentJobs], [9000, 'sd-turbo', 'atelier-shapes', 'low', 2]);
      writeFileSync(join(home, 'config.json'), JSON.stringify({ port: 'x' }));
      assert.throws(() => loadConfig(home), /config\.json: 'port' must be/);
      writeFileSync(join(home, 'config.json'), '{oops');
      assert.throws(() => loadConfig(home), /not valid JSON/);
      assert.equal(atelierHome({ ATELIER_HOME: home }), home);
      assert.match(atelierHome({}), /\.atelier$/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('image store and job queue', () => {
  it('expires URLs after the TTL and bounds memory', () => {
    let now = 0;
    const store = new ImageStore(1000, 10, () => now);
    const a = store.put(Buffer.alloc(6), 'png', 'image/png');
    assert.ok(store.get(a));
    const b = store.put(Buffer.alloc(6), 'png', 'image/png');
    assert.equal(store.get(a), undefined, 'oldest dropped when full');
    now = 1000;
    assert.equal(store.get(b), undefined, 'expired');
  });

  it('queues beyond the concurrency, refuses beyond the queue and drops aborted waiters', async () => {
    const q = new JobQueue(1, 1);
    const release = await q.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = q.acquire(controller.signal);
    await assert.rejects(q.acquire(new AbortController().signal), (err: { status?: number }) => err.status === 429);
    controller.abort(new Error('gone'));
    await assert.rejects(waiting, /gone/);
    assert.deepEqual(q.stats(), { running: 1, waiting: 0 });
    release();
    const again = await q.acquire(new AbortController().signal);
    again();
    assert.deepEqual(q.stats(), { running: 0, waiting: 0 });
  });
});
