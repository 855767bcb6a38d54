/**
 * A burst over HTTP against a server process with a rate-limited key: the excess gets OpenAI's 429 envelope with
 * `retry-after` and `x-ratelimit-*` headers, and requests succeed again once the window has refilled. The window is
 * shortened to 3 s (rateWindowMs) so the test does not wait a minute; the arithmetic is the same.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { createMetering } from '../../src/metering/metering.ts';
import { startHarness, type HarnessKind } from './harness-client.ts';
import { tempHome } from './helpers.ts';

async function burst(kind: HarnessKind): Promise<void> {
  const home = tempHome();
  const setup = createMetering({ home });
  const { secret } = await setup.createKey({ name: 'bursty', limits: { requestsPerMinute: 5, imagesPerMinute: 20 } });
  await setup.close();
  const harness = await startHarness(home, 3000, kind);
  try {
    const call = () =>
      fetch(`${harness.url}/v1/images/generations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-image-1', prompt: 'a kite', n: 1, quality: 'low', size: '1024x1024' }),
      });
    const unauthorized = await fetch(`${harness.url}/v1/images/generations`, { method: 'POST', body: '{}' });
    assert.equal(unauthorized.status, 401);

    const burst = await Promise.all(Array.from({ length: 9 }, call));
    const ok = burst.filter((r) => r.status === 200);
    const limited = burst.filter((r) => r.status === 429);
    assert.equal(ok.length + limited.length, 9);
    assert.ok(ok.length >= 5 && ok.length <= 6, `${ok.length} got through`);
    for (const res of ok) {
      assert.equal(res.headers.get('x-ratelimit-limit-requests'), '5');
      assert.match(res.headers.get('x-ratelimit-remaining-requests') ?? '', /^[0-4]$/);
      assert.match(res.headers.get('x-ratelimit-reset-requests') ?? '', /^\d+(\.\d+)?(ms|s)$/);
      assert.equal(res.headers.get('x-ratelimit-limit-images'), '20');
    }
    for (const res of limited) {
      const body = (await res.json()) as { error: Record<string, unknown> };
      assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
      assert.equal(body.error.code, 'rate_limit_exceeded');
      assert.equal(body.error.param, null);
      assert.match(String(body.error.message), /Rate limit reached for key 'bursty' on requests per min \(RPM\): Limit 5/);
      assert.equal(res.headers.get('x-ratelimit-remaining-requests'), '0');
      assert.match(res.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      const waitMs = Number(res.headers.get('retry-after-ms'));
      assert.ok(waitMs > 0 && waitMs <= 600, `retry-after-ms ${waitMs} (one request refills in 600 ms)`);
    }
    const wait = Math.max(...limited.map((r) => Number(r.headers.get('retry-after-ms'))));
    await sleep(wait + 50);
    const recovered = await call();
    assert.equal(recovered.status, 200, await recovered.text());
    await sleep(3000);
    const full = await call();
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('x-ratelimit-remaining-requests'), '4', 'a whole window later the bucket is full');
  } finally {
    await harness.stop();
  }
}

test('burst (Metering harness): 429s with correct headers, then recovery after the window', () => burst('metering'));

test('burst (the real server with metering attached): the same', () => burst('server'));
