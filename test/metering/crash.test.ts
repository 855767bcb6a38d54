/**
 * Exactly-once under SIGKILL: a burst of requests against a server process running the real Metering, killed with
 * SIGKILL mid-burst. The ledger must hold every response the client received exactly once, nothing for requests that
 * never completed, and a sound SQLite file; retrying the unfinished requests with their Idempotency-Key after a
 * restart must replay the ones that had committed and run the others, ending with one row per request.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { join } from 'node:path';
import { test } from 'node:test';
import { SqliteMeteringStore } from '../../src/metering/sqlite-store.ts';
import { startHarness, type HarnessKind } from './harness-client.ts';
import { tempHome } from './helpers.ts';

interface Outcome {
  status: 'ok' | 'lost' | 'unsent';
  requestId?: string;
  totalTokens?: number;
  replayed?: boolean;
}

async function generate(url: string, idem: string): Promise<Response> {
  return fetch(`${url}/v1/images/generations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': idem },
    body: JSON.stringify({ model: 'gpt-image-1', prompt: `a lighthouse, variation ${idem}`, n: 1 + (idem.length % 2), quality: 'low', size: '1024x1024' }),
  });
}

async function outcomeOf(res: Response): Promise<Outcome> {
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { usage: { total_tokens: number } };
  return {
    status: 'ok',
    requestId: res.headers.get('x-request-id') ?? undefined,
    totalTokens: body.usage.total_tokens,
    replayed: res.headers.get('idempotent-replayed') === 'true',
  };
}

async function crashAndRecover(kind: HarnessKind): Promise<void> {
  const home = tempHome();
  const harness = await startHarness(home, undefined, kind);
  const keys = Array.from({ length: 120 }, (_, i) => `burst-${i}`);
  const outcomes = new Map<string, Outcome>(keys.map((k) => [k, { status: 'unsent' }]));
  let completed = 0;
  let killed = false;
  let next = 0;

  async function worker(): Promise<void> {
    while (!killed && next < keys.length) {
      const key = keys[next++];
      outcomes.set(key, { status: 'lost' });
      try {
        const res = await generate(harness.url, key);
        outcomes.set(key, await outcomeOf(res));
        if (++completed === 30 && !killed) {
          killed = true;
          harness.child.kill('SIGKILL');
        }
      } catch {
        // Connection reset by the kill: the client never got a response.
      }
    }
  }
  await Promise.all(Array.from({ length: 12 }, worker));
  if (harness.child.exitCode === null && harness.child.signalCode === null) await once(harness.child, 'exit');
  assert.equal(harness.child.signalCode, 'SIGKILL');

  const received = [...outcomes].filter(([, o]) => o.status === 'ok');
  const lost = [...outcomes].filter(([, o]) => o.status === 'lost').map(([k]) => k);
  const unsent = new Set([...outcomes].filter(([, o]) => o.status === 'unsent').map(([k]) => k));
  assert.ok(received.length >= 30, `received ${received.length}`);
  assert.ok(lost.length > 0, 'the kill landed while requests were in flight');

  const store = new SqliteMeteringStore(join(home, 'ledger.sqlite'));
  assert.equal(store.integrityCheck(), 'ok');
  const rows = await store.rows(0, Number.MAX_SAFE_INTEGER, 10_000);
  const byKey = new Map(rows.map((r) => [r.idempotencyKey, r]));
  assert.equal(byKey.size, rows.length, 'at most one row per Idempotency-Key');
  for (const [key, o] of received) {
    const row = byKey.get(key);
    assert.ok(row, `completed response ${key} is in the ledger`);
    assert.equal(row.requestId, o.requestId);
    assert.equal(row.textInputTokens + row.imageInputTokens + row.imageOutputTokens, o.totalTokens);
    assert.equal(row.status, 'succeeded');
    assert.ok(row.costNano > 0);
  }
  for (const row of rows) {
    assert.ok(row.idempotencyKey !== null && !unsent.has(row.idempotencyKey), `row ${row.requestId} was sent`);
    assert.ok(row.model === 'gpt-image-1' && row.n >= 1 && row.latencyMs >= 20, 'rows are whole');
  }
  // Rows the client never saw can only come from the instant between commit and send; they must be complete
  // requests, which the retry below proves by replaying them instead of running them again.
  const committedButLost = lost.filter((k) => byKey.has(k));
  console.log(`${kind}: received ${received.length}, lost ${lost.length} (committed before the kill: ${committedButLost.length}), unsent ${unsent.size}`);
  assert.ok(committedButLost.length <= 12, `${committedButLost.length} rows for lost responses`);
  await store.close();

  const restarted = await startHarness(home, undefined, kind);
  try {
    for (const key of lost) {
      const o = await outcomeOf(await generate(restarted.url, key));
      const before = byKey.get(key);
      if (before) {
        assert.equal(o.replayed, true, `${key} had committed: replayed, not re-run`);
        assert.equal(o.requestId, before.requestId);
      } else {
        assert.equal(o.replayed, false, `${key} had not committed: it runs now`);
      }
      outcomes.set(key, o);
    }
    // Retrying one that the client did receive replays it too.
    const [firstKey, first] = received[0];
    const again = await outcomeOf(await generate(restarted.url, firstKey));
    assert.deepEqual([again.replayed, again.requestId], [true, first.requestId]);
  } finally {
    await restarted.stop();
  }

  const reopened = new SqliteMeteringStore(join(home, 'ledger.sqlite'));
  const finalRows = await reopened.rows(0, Number.MAX_SAFE_INTEGER, 10_000);
  const sent = keys.filter((k) => !unsent.has(k));
  assert.deepEqual(finalRows.map((r) => r.idempotencyKey).sort(), [...sent].sort(), 'exactly one row per request sent');
  for (const key of sent) assert.equal(finalRows.find((r) => r.idempotencyKey === key)?.requestId, outcomes.get(key)?.requestId);
  await reopened.close();
}

test('SIGKILL during a burst (Metering harness): every completed response billed exactly once, nothing else', () =>
  crashAndRecover('metering'));

test('SIGKILL during a burst (the real server with metering attached): the same guarantees', () => crashAndRecover('server'));
