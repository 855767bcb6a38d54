// `atelier keys` and `atelier usage`, run in-process against a temporary ATELIER_HOME.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { run as keys } from '../../src/cli/commands/keys.ts';
import { parseWhen, run as usage } from '../../src/cli/commands/usage.ts';
import { createMetering } from '../../src/metering/metering.ts';
import { squareUsage, tempHome } from './helpers.ts';

async function capture(fn: () => Promise<number>): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await fn();
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

test('keys create shows the secret once; list, limits and revoke never show it', async () => {
  const home = tempHome();
  const created = await capture(() => keys(['create', '--name', 'web', '--rpm', '30', '--budget', '12.5', '--json', '--home', home]));
  assert.equal(created.code, 0, created.err);
  const key = JSON.parse(created.out) as { id: string; secret: string; limits: Record<string, number>; hash?: string };
  assert.match(key.secret, /^sk-atelier-/);
  assert.equal(key.hash, undefined);
  assert.deepEqual(key.limits, { requestsPerMinute: 30, imagesPerMinute: null, tokensPerMinute: null, monthlyBudgetNano: 12_500_000_000 });
  assert.equal(statSync(join(home, 'ledger.sqlite')).mode & 0o777, 0o600);

  const listed = await capture(() => keys(['list', '--home', home]));
  assert.match(listed.out, /web/);
  assert.match(listed.out, /30 req\/min, \$12\.50\/month/);
  assert.ok(!listed.out.includes(key.secret));
  assert.ok(!listed.out.includes(key.secret.slice(11, 30)));

  const limited = await capture(() => keys(['limits', 'web', '--tpm', '5000', '--rpm', 'none', '--home', home]));
  assert.match(limited.out, /5000 tok\/min, \$12\.50\/month/);
  assert.equal((await capture(() => keys(['limits', 'web', '--tpm', '-1', '--home', home]))).code, 2);

  const revoked = await capture(() => keys(['revoke', key.id, '--home', home]));
  assert.match(revoked.out, /Revoked .*'web'/);
  assert.match(revoked.out, /loopback clients only/);
  assert.equal((await capture(() => keys(['revoke', key.id, '--home', home]))).code, 2);
  assert.equal((await capture(() => keys(['create', '--home', home]))).code, 2);
  assert.equal((await capture(() => keys(['--bogus']))).code, 2);
});

test('usage reports requests, images, tokens and cost per model, key and day', async () => {
  const home = tempHome();
  let now = Date.parse('2026-11-02T10:00:00Z');
  const metering = createMetering({ home, now: () => now });
  const { key, secret } = await metering.createKey({ name: 'web' });
  const caller = await metering.authenticate(`Bearer ${secret}`, false);
  for (const [day, quality, model] of [[2, 'high', 'gpt-image-1'], [3, 'low', 'gpt-image-1'], [3, 'low', 'gpt-image-1-mini']] as const) {
    now = Date.parse(`2026-11-0${day}T10:00:00Z`);
    const admission = await metering.admit(caller, { images: 1, tokens: 1 });
    await metering.complete(admission, {
      requestId: `req_${day}_${quality}_${model}`,
      model,
      endpoint: 'generations',
      n: 1,
      size: '1024x1024',
      quality,
      usage: squareUsage(quality, ''),
      latencyMs: 1,
    });
  }
  await metering.close();
  const range = ['--since', '2026-11-01', '--until', '2026-11-05', '--home', home];
  const byModel = await capture(() => usage(range));
  assert.equal(byModel.code, 0, byModel.err);
  assert.match(byModel.out, /gpt-image-1\s+2\s+2\s+0\s+0\s+4432\s+\$0\.17728/);
  assert.match(byModel.out, /gpt-image-1-mini\s+1\s+1\s+0\s+0\s+272\s+\$0\.002176/);
  assert.match(byModel.out, /total\s+3\s+3\s+0\s+0\s+4704\s+\$0\.179456/);
  const byKey = await capture(() => usage([...range, '--by', 'key', '--json']));
  const json = JSON.parse(byKey.out) as { lines: Array<{ group: string; costUsd: number }> };
  assert.deepEqual(json.lines.map((l) => l.group), [`web (${key.id})`]);
  const byDay = await capture(() => usage([...range, '--by', 'day']));
  assert.match(byDay.out, /2026-11-02\s+1\s+1/);
  assert.match(byDay.out, /2026-11-03\s+2\s+2/);
  const rows = await capture(() => usage([...range, '--rows']));
  assert.equal(rows.out.split('\n').length, 3);
  assert.equal((await capture(() => usage(['--since', 'yesterday-ish', '--home', home]))).code, 2);
  assert.equal((await capture(() => usage(['--by', 'color', '--home', home]))).code, 2);
});

test('dates are read as UTC', () => {
  assert.equal(parseWhen('2026-11', 'since'), Date.UTC(2026, 10, 1) / 1000);
  assert.equal(parseWhen('2026-11-28', 'since'), Date.UTC(2026, 10, 28) / 1000);
  assert.equal(parseWhen('1764288000', 'since'), 1764288000);
});
