// The Metering seam: authentication, admission (limits, budget, idempotency) and exactly-once settlement.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../src/contract/api-error.ts';
import { createMetering, type Metering } from '../../src/metering/metering.ts';
import { usdToNano } from '../../src/metering/price-table.ts';
import { SqliteMeteringStore } from '../../src/metering/sqlite-store.ts';
import { squareUsage, tempHome } from './helpers.ts';

async function rejects(p: Promise<unknown>, status: number, match: RegExp): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ApiError, `expected ApiError, got ${String(err)}`);
    assert.equal(err.status, status, err.message);
    assert.match(err.message, match);
    return err;
  }
  assert.fail(`expected a ${status} ApiError`);
}

function done(requestId: string, quality: 'low' | 'high' = 'high', responseBody?: unknown) {
  return {
    requestId,
    model: 'gpt-image-1',
    endpoint: 'generations' as const,
    n: 1,
    size: '1024x1024',
    quality,
    usage: squareUsage(quality),
    latencyMs: 12.4,
    responseBody,
  };
}

async function ledgerRows(m: Metering) {
  return m.store.rows(0, Number.MAX_SAFE_INTEGER, 1000);
}

test('without keys auth is off for loopback clients only', async () => {
  const m = createMetering({ home: tempHome() });
  const caller = await m.authenticate(undefined, true);
  assert.equal(caller.keyId, null);
  await rejects(m.authenticate(undefined, false), 401, /no API keys yet/);
  const forced = createMetering({ home: tempHome(), allowKeylessRemote: true });
  assert.equal((await forced.authenticate(undefined, false)).role, 'anonymous');
  await m.close();
  await forced.close();
});

test('Bearer auth with OpenAI-style 401s once a key exists', async () => {
  const m = createMetering({ home: tempHome() });
  const { key, secret } = await m.createKey({ name: 'team-a' });
  assert.match(secret, /^sk-atelier-[A-Za-z0-9_-]{43}$/);
  assert.ok(!(await m.store.listKeys()).some((k) => JSON.stringify(k).includes(secret)), 'secret is not stored');

  const caller = await m.authenticate(`Bearer ${secret}`, false);
  assert.equal(caller.keyId, key.id);
  const missing = await rejects(m.authenticate(undefined, true), 401, /You didn't provide an API key/);
  assert.deepEqual(missing.toBody().error, { message: missing.message, type: 'invalid_request_error', param: null, code: null });
  const wrong = await rejects(m.authenticate('Bearer sk-atelier-wrongwrongwrongwrongXYZW', true), 401, /Incorrect API key provided: sk-ateli\*+XYZW\./);
  assert.equal(wrong.code, 'invalid_api_key');
  await rejects(m.authenticate(`Basic ${secret}`, true), 401, /didn't provide/);

  await m.createKey({ name: 'team-b' });
  await m.store.revokeKey(key.id, 1);
  await rejects(m.authenticate(`Bearer ${secret}`, true), 401, /Incorrect API key/);
  await m.close();
});

test('admin keys are for organization endpoints, user keys for images', async () => {
  const m = createMetering({ home: tempHome() });
  const admin = await m.createKey({ name: 'ops', role: 'admin' });
  const user = await m.createKey({ name: 'app' });
  assert.match(admin.secret, /^sk-atelier-admin-/);
  await rejects(m.authenticate(`Bearer ${admin.secret}`, true), 403, /Admin keys/);
  await rejects(m.authenticateAdmin(`Bearer ${user.secret}`, true), 403, /insufficient permissions/);
  assert.equal((await m.authenticateAdmin(`Bearer ${admin.secret}`, false)).role, 'admin');
  await m.close();
});

test('complete writes one ledger row with tokens and cost; settling twice writes nothing more', async () => {
  const m = createMetering({ home: tempHome() });
  const { secret, key } = await m.createKey({ name: 'team' });
  const caller = await m.authenticate(`Bearer ${secret}`, false);
  const admission = await m.admit(caller, { images: 1, tokens: 4163 });
  const result = await m.complete(admission, { ...done('req_1'), user: 'end-user-7' });
  assert.deepEqual(result, { costUsd: 0.166415, recorded: true });
  assert.deepEqual(await m.complete(admission, done('req_1')), { costUsd: 0, recorded: false });
  await m.fail(admission, { ...done('req_1'), status: 500 });
  const rows = await ledgerRows(m);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].keyId, key.id);
  assert.equal(rows[0].endUser, 'end-user-7');
  assert.equal(rows[0].imageOutputTokens, 4160);
  assert.equal(rows[0].textInputTokens, 3);
  assert.equal(rows[0].costNano, usdToNano(0.166415)); // 4160 x $40/M + 3 x $5/M
  assert.equal(rows[0].latencyMs, 12);
  assert.equal(rows[0].status, 'succeeded');
  await m.close();
});

test('Idempotency-Key: a completed request is replayed, not run or billed again', async () => {
  const m = createMetering({ home: tempHome() });
  const caller = await m.authenticate(undefined, true);
  const first = await m.admit(caller, { images: 1, tokens: 10 }, 'idem-1', 'fp-a');
  assert.equal(first.replay, undefined);
  await rejects(m.admit(caller, { images: 1, tokens: 10 }, 'idem-1', 'fp-a'), 409, /still being processed/);
  const body = { created: 1, data: [{ b64_json: 'AAAA' }] };
  await m.complete(first, done('req_a', 'low', body));

  const again = await m.admit(caller, { images: 1, tokens: 10 }, 'idem-1', 'fp-a');
  assert.deepEqual(again.replay, { requestId: 'req_a', status: 200, body });
  assert.equal(again.headers['idempotent-replayed'], 'true');
  assert.deepEqual(await m.complete(again, done('req_b')), { costUsd: 0, recorded: false });
  assert.equal((await ledgerRows(m)).length, 1);

  await rejects(m.admit(caller, { images: 1, tokens: 10 }, 'idem-1', 'fp-other'), 400, /different request/);
  await rejects(m.admit(caller, { images: 1, tokens: 10 }, 'bad key\n'), 400, /printable ASCII/);
  await m.close();
});

test('a failed request frees its Idempotency-Key for a retry and bills nothing', async () => {
  const m = createMetering({ home: tempHome() });
  const caller = await m.authenticate(undefined, true);
  const first = await m.admit(caller, { images: 1, tokens: 10 }, 'idem-2');
  await m.fail(first, { requestId: 'req_f', model: 'gpt-image-1', endpoint: 'edits', n: 1, status: 500, errorCode: 'engine_error', latencyMs: 3 });
  const retry = await m.admit(caller, { images: 1, tokens: 10 }, 'idem-2');
  assert.equal(retry.replay, undefined);
  await m.complete(retry, done('req_g', 'low', { ok: true }));
  const rows = await ledgerRows(m);
  assert.deepEqual(
    rows.map((r) => [r.requestId, r.status, r.source, r.costNano]),
    [
      ['req_f', 'failed', 'image.edit', 0],
      ['req_g', 'succeeded', 'image.generation', 10_880_000 + 3 * 5000],
    ],
  );
  await m.close();
});

test('the ledger refuses a second row for the same request id or idempotency key', async () => {
  const m = createMetering({ home: tempHome() });
  const caller = await m.authenticate(undefined, true);
  const a = await m.admit(caller, { images: 1, tokens: 1 });
  const b = await m.admit(caller, { images: 1, tokens: 1 });
  assert.equal((await m.complete(a, done('same-id'))).recorded, true);
  assert.equal((await m.complete(b, done('same-id'))).recorded, false);
  assert.equal((await ledgerRows(m)).length, 1);
  assert.equal(await m.store.monthSpend('anonymous', new Date().toISOString().slice(0, 7)), 166_415_000);
  await m.close();
});

test('monthly budget: 429 insufficient_quota once spend (and in-flight work) would pass it', async () => {
  const m = createMetering({ home: tempHome() });
  const { secret } = await m.createKey({ name: 'capped', limits: { monthlyBudgetNano: usdToNano(0.2) } });
  const caller = await m.authenticate(`Bearer ${secret}`, false);
  const high = { images: 1, tokens: 4163, model: 'gpt-image-1', usage: squareUsage('high') };
  const first = await m.admit(caller, high);
  // The first request is still running: its estimated cost counts against the budget.
  const err = await rejects(m.admit(caller, high), 429, /exceeded your current quota.*\$0\.20.*\$0\.16641/);
  assert.equal(err.type, 'insufficient_quota');
  assert.equal(err.headers['x-should-retry'], 'false');
  await m.complete(first, done('req_1'));
  const low = await m.admit(caller, { images: 1, tokens: 275, model: 'gpt-image-1', usage: squareUsage('low') });
  await m.complete(low, done('req_2', 'low'));
  await rejects(m.admit(caller, high), 429, /used \$0\.17731 in/);
  await m.close();
});

test('rate limits: 429 with retry-after and x-ratelimit headers, success headers on admission', async () => {
  let now = 1_000_000;
  const m = createMetering({ home: tempHome(), now: () => now });
  const { secret } = await m.createKey({
    name: 'limited',
    limits: { requestsPerMinute: 2, imagesPerMinute: 5, tokensPerMinute: 8_000 },
  });
  const caller = await m.authenticate(`Bearer ${secret}`, false);
  const ok = await m.admit(caller, { images: 1, tokens: 4163 });
  assert.equal(ok.headers['x-ratelimit-remaining-requests'], '1');
  assert.equal(ok.headers['x-ratelimit-remaining-images'], '4');
  assert.equal(ok.headers['x-ratelimit-remaining-tokens'], '3837');
  const tooMany = await rejects(m.admit(caller, { images: 1, tokens: 4163 }), 429, /tokens per min \(TPM\): Limit 8000, Used 4163, Requested 4163\. Please try again in 2\.445s/);
  assert.equal(tooMany.code, 'rate_limit_exceeded');
  assert.equal(tooMany.headers['retry-after'], '3');
  assert.equal(tooMany.headers['retry-after-ms'], '2445');
  await rejects(m.admit(caller, { images: 6, tokens: 1 }), 429, /Request too large.*images per min/);
  await m.admit(caller, { images: 1, tokens: 1 });
  const err = await rejects(m.admit(caller, { images: 1, tokens: 1 }), 429, /requests per min \(RPM\): Limit 2, Used 2, Requested 1\./);
  assert.equal(err.headers['x-ratelimit-remaining-requests'], '0');
  assert.equal(err.headers['retry-after'], '30');
  now += 30_000;
  assert.ok(await m.admit(caller, { images: 1, tokens: 1 }));
  await m.close();
});

test('the ledger survives reopening and passes SQLite integrity checks', async () => {
  const home = tempHome();
  const m = createMetering({ home });
  const caller = await m.authenticate(undefined, true);
  await m.complete(await m.admit(caller, { images: 1, tokens: 1 }), done('req_keep'));
  await m.close();
  const store = new SqliteMeteringStore(`${home}/ledger.sqlite`);
  assert.equal(store.integrityCheck(), 'ok');
  assert.deepEqual((await store.rows(0, Number.MAX_SAFE_INTEGER, 10)).map((r) => r.requestId), ['req_keep']);
  await store.close();
});

test('concurrent admissions cannot both squeeze under the budget', async () => {
  const m = createMetering({ home: tempHome() });
  const { secret } = await m.createKey({ name: 'race', limits: { monthlyBudgetNano: usdToNano(0.3), requestsPerMinute: 1 } });
  const caller = await m.authenticate(`Bearer ${secret}`, false);
  const high = { images: 1, tokens: 4163, model: 'gpt-image-1', usage: squareUsage('high') };
  const results = await Promise.allSettled([m.admit(caller, high), m.admit(caller, high), m.admit(caller, high)]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  const reasons = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as ApiError).code] : []));
  // One is refused by the budget (the first holds $0.166 of $0.30); a rate-limit refusal must not keep its reservation.
  assert.deepEqual(reasons.sort(), ['insufficient_quota', 'insufficient_quota']);
  await m.close();
});

test('a request refused by the rate limit does not hold budget', async () => {
  let now = 0;
  const m = createMetering({ home: tempHome(), now: () => now });
  const { secret } = await m.createKey({ name: 'rl', limits: { monthlyBudgetNano: usdToNano(0.2), requestsPerMinute: 1 } });
  const caller = await m.authenticate(`Bearer ${secret}`, false);
  const low = { images: 1, tokens: 275, model: 'gpt-image-1', usage: squareUsage('low') };
  await m.complete(await m.admit(caller, low), done('req_1', 'low'));
  for (let i = 0; i < 20; i++) await rejects(m.admit(caller, low), 429, /Rate limit reached/);
  now += 60_000;
  assert.ok(await m.admit(caller, low), 'the budget is still available after the refusals');
  await m.close();
});

test('a transaction that cannot finish leaves no half row behind', async () => {
  const m = createMetering({ home: tempHome() });
  const caller = await m.authenticate(undefined, true);
  await m.complete(await m.admit(caller, { images: 1, tokens: 1 }, 'k1'), done('req_a', 'high', { a: 1 }));
  // Another process finished the same Idempotency-Key first: the ledger insert of req_b must roll back with it.
  const rows = await ledgerRows(m);
  const outcome = await m.store.record(
    { ...rows[0], requestId: 'req_b' },
    { scope: 'anonymous', key: 'k1', requestId: 'req_b', fingerprint: null, status: 200, body: '{}' },
  );
  assert.equal(outcome, 'duplicate');
  assert.deepEqual((await ledgerRows(m)).map((r) => r.requestId), ['req_a']);
  assert.equal(await m.store.monthSpend('anonymous', new Date().toISOString().slice(0, 7)), rows[0].costNano);
  await m.close();
});
