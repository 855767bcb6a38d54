// Token-bucket limits with a fake clock: burst to the limit, refuse with the wait, refill over the window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goDuration, RateLimiter } from '../../src/metering/rate-limiter.ts';

test('goDuration formats like Go time.Duration, as OpenAI reset headers do', () => {
  assert.equal(goDuration(20), '20ms');
  assert.equal(goDuration(1000), '1s');
  assert.equal(goDuration(1500), '1.5s');
  assert.equal(goDuration(360_000), '6m0s');
  assert.equal(goDuration(61_250), '1m1.25s');
  assert.equal(goDuration(-5), '0ms');
});

test('requests: burst to the limit, then 429 data until the bucket refills', () => {
  let now = 0;
  const limiter = new RateLimiter(60_000, () => now);
  const limits = { requests: 3, images: null, tokens: null };
  const one = { requests: 1, images: 1, tokens: 100 };
  for (let i = 0; i < 3; i++) {
    const d = limiter.take('k', limits, one);
    assert.equal(d.ok, true);
    assert.equal(d.headers['x-ratelimit-remaining-requests'], String(2 - i));
    assert.equal(d.headers['x-ratelimit-limit-requests'], '3');
  }
  const refused = limiter.take('k', limits, one);
  assert.equal(refused.ok, false);
  if (refused.ok) return;
  assert.equal(refused.dimension, 'requests');
  assert.equal(refused.retryAfterMs, 20_000);
  assert.equal(refused.headers['x-ratelimit-reset-requests'], '1m0s');
  assert.equal(refused.headers['x-ratelimit-limit-tokens'], undefined, 'no header for an unlimited dimension');
  now = 20_000;
  assert.equal(limiter.take('k', limits, one).ok, true);
  assert.equal(limiter.take('other', limits, one).ok, true, 'keys have separate buckets');
});

test('a refusal takes nothing from any dimension', () => {
  const now = 0;
  const limiter = new RateLimiter(60_000, () => now);
  const limits = { requests: 10, images: 4, tokens: null };
  assert.equal(limiter.take('k', limits, { requests: 1, images: 3, tokens: 0 }).ok, true);
  const refused = limiter.take('k', limits, { requests: 1, images: 2, tokens: 0 });
  assert.equal(refused.ok, false);
  if (!refused.ok) assert.equal(refused.dimension, 'images');
  const ok = limiter.take('k', limits, { requests: 1, images: 1, tokens: 0 });
  assert.equal(ok.ok, true);
  if (ok.ok) assert.equal(ok.headers['x-ratelimit-remaining-requests'], '8');
});

test('a request larger than the whole limit is flagged as too large', () => {
  const limiter = new RateLimiter(60_000, () => 0);
  const d = limiter.take('k', { requests: null, images: null, tokens: 1000 }, { requests: 1, images: 1, tokens: 4160 });
  assert.equal(d.ok, false);
  if (!d.ok) assert.equal(d.tooLarge, true);
});

test('usage found after the work is charged, putting the bucket into debt', () => {
  let now = 0;
  const limiter = new RateLimiter(60_000, () => now);
  const limits = { requests: null, images: null, tokens: 1000 };
  assert.equal(limiter.take('k', limits, { requests: 1, images: 1, tokens: 500 }).ok, true);
  limiter.charge('k', limits, 'tokens', 1000);
  const d = limiter.take('k', limits, { requests: 1, images: 1, tokens: 1 });
  assert.equal(d.ok, false);
  if (!d.ok) assert.equal(d.retryAfterMs, 30_060);
  now = 31_000;
  assert.equal(limiter.take('k', limits, { requests: 1, images: 1, tokens: 1 }).ok, true);
});
