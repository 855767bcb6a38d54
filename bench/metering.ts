/**
 * What metering costs a request: authenticate + admit + complete (one durable SQLite commit, WAL, synchronous=FULL),
 * and how long the usage API's aggregation takes over a large ledger.
 * Run: node --import tsx bench/metering.ts [requests]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMetering } from '../src/metering/metering.ts';
import { imageUsage } from '../src/metering/usage.ts';
import { imagesUsagePage } from '../src/metering/usage-report.ts';

const requests = Number(process.argv[2] ?? 2000);
const home = mkdtempSync(join(tmpdir(), 'atelier-bench-metering-'));
const metering = createMetering({ home });
const { secret } = await metering.createKey({ name: 'bench', limits: { requestsPerMinute: 1e9, imagesPerMinute: 1e9, tokensPerMinute: 1e12, monthlyBudgetNano: 1e15 } });
const usage = imageUsage({ prompt: 'a watercolor lighthouse at dusk', width: 1024, height: 1024, quality: 'medium', n: 1, partialImages: 0, inputImages: [], inputFidelity: 'low' });
const body = { created: 0, data: [{ b64_json: 'x'.repeat(200_000) }], usage };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function phase(name: string, idempotent: boolean): Promise<void> {
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < requests; i++) {
    const t = performance.now();
    const caller = await metering.authenticate(`Bearer ${secret}`, false);
    const admission = await metering.admit(caller, { images: 1, tokens: usage.total_tokens, model: 'gpt-image-1', usage }, idempotent ? `idem-${i}` : undefined);
    await metering.complete(admission, {
      requestId: `${idempotent ? "idem" : "plain"}_${i}`,
      model: 'gpt-image-1',
      endpoint: 'generations',
      n: 1,
      size: '1024x1024',
      quality: 'medium',
      usage,
      latencyMs: 1,
      responseBody: idempotent ? body : undefined,
    });
    times.push(performance.now() - t);
  }
  const total = performance.now() - t0;
  times.sort((a, b) => a - b);
  console.log(
    `${name.padEnd(34)} ${requests} requests: ${(requests / (total / 1000)).toFixed(0)} req/s, ` +
      `p50 ${percentile(times, 50).toFixed(3)} ms, p99 ${percentile(times, 99).toFixed(3)} ms per request`,
  );
}

await phase('auth+admit+complete', false);
await phase('same, Idempotency-Key + 200 KB body', true);

const t = performance.now();
const page = await imagesUsagePage(metering.store, { start_time: '0', end_time: String(Math.floor(Date.now() / 1000) + 60), bucket_width: '1d', limit: '31', group_by: ['model', 'api_key_id'] }, Math.floor(Date.now() / 1000));
console.log(`usage API page over ${2 * requests} rows (group_by model,api_key_id): ${(performance.now() - t).toFixed(1)} ms, ${page.data.length} buckets`);
await metering.close();
rmSync(home, { recursive: true, force: true });
