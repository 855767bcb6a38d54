/**
 * Server overhead per request with an instant engine (the test double draws a 64px picture in microseconds), so
 * what is measured is HTTP + validation + pipeline + lanczos resize to 1024x1024 + PNG encode + base64 JSON.
 *   node --import tsx bench/server.ts [sequentialRequests=200] [concurrentRequests=400] [concurrency=8]
 */
import { startTestServer } from '../test/helpers/server.ts';

const sequential = Number(process.argv[2] ?? 200);
const total = Number(process.argv[3] ?? 400);
const concurrency = Number(process.argv[4] ?? 8);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const server = await startTestServer({ config: (c) => (c.limits.maxConcurrentJobs = concurrency) });
  const body = JSON.stringify({ model: 'gpt-image-1', prompt: 'a lighthouse at dusk', size: '1024x1024', quality: 'low', output_format: 'png' });
  const once = async (): Promise<number> => {
    const t = performance.now();
    const res = await fetch(`${server.url}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
    return performance.now() - t;
  };
  try {
    for (let i = 0; i < 10; i++) await once();
    const latencies: number[] = [];
    for (let i = 0; i < sequential; i++) latencies.push(await once());
    latencies.sort((a, b) => a - b);
    console.log(`sequential: ${sequential} requests, one 1024x1024 PNG each`);
    console.log(`  p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   mean ${(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(1)} ms`);

    // The same path with a 256x256 image: what is left is mostly HTTP, validation and the pipeline itself.
    const small = JSON.stringify({ model: 'dall-e-2', prompt: 'a lighthouse at dusk', size: '256x256', response_format: 'b64_json' });
    const smallLatencies: number[] = [];
    for (let i = 0; i < sequential; i++) {
      const t = performance.now();
      const res = await fetch(`${server.url}/v1/images/generations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: small });
      await res.arrayBuffer();
      smallLatencies.push(performance.now() - t);
    }
    smallLatencies.sort((a, b) => a - b);
    console.log(`sequential: ${sequential} requests, one 256x256 PNG each`);
    console.log(`  p50 ${percentile(smallLatencies, 50).toFixed(1)} ms   p99 ${percentile(smallLatencies, 99).toFixed(1)} ms`);

    let started = 0;
    const t0 = performance.now();
    const worker = async (): Promise<void> => {
      while (started < total) {
        started++;
        await once();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const seconds = (performance.now() - t0) / 1000;
    console.log(`concurrent: ${total} requests, ${concurrency} at a time: ${(total / seconds).toFixed(1)} requests/s`);
  } finally {
    await server.close();
  }
}

await main();
