/**
 * A child-process server for the crash and burst tests: the real Metering (authenticate -> admit -> work ->
 * complete -> respond) in front of a test-double workload, on loopback port 0. It prints `listening <port>` once
 * ready. The workload takes 20-60 ms and returns a deterministic body, so a SIGKILL lands mid-request.
 *
 * Usage: node --import tsx test/metering/crash-harness.ts <home> [rateWindowMs]
 * The lead can replace this with the real server once metering is wired into it.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError } from '../../src/contract/api-error.ts';
import { isLoopbackAddress } from '../../src/metering/binding.ts';
import { createMetering } from '../../src/metering/metering.ts';
import { imageUsage, type UsageQuality } from '../../src/metering/usage.ts';

const [home, windowArg] = process.argv.slice(2);
if (!home) {
  console.error('usage: crash-harness.ts <home> [rateWindowMs]');
  process.exit(2);
}
const metering = createMetering({ home, rateWindowMs: windowArg ? Number(windowArg) : undefined });

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 65536) throw new ApiError({ status: 413, message: 'Request body too large.' });
  }
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null) throw new ApiError({ status: 400, message: 'Expected a JSON object.' });
  return parsed as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  const requestId = `req_${randomBytes(12).toString('hex')}`;
  const caller = await metering.authenticate(req.headers.authorization, isLoopbackAddress(req.socket.remoteAddress));
  const body = await readJson(req);
  const prompt = String(body.prompt ?? '');
  const n = Number(body.n ?? 1);
  const quality = (body.quality ?? 'low') as UsageQuality;
  const usage = imageUsage({ prompt, width: 1024, height: 1024, quality, n, partialImages: 0, inputImages: [], inputFidelity: 'low' });
  const idem = req.headers['idempotency-key'];
  const admission = await metering.admit(
    caller,
    { images: n, tokens: usage.total_tokens, model: 'gpt-image-1', usage },
    typeof idem === 'string' ? idem : undefined,
    createHash('sha256').update(JSON.stringify(body)).digest('hex'),
  );
  if (admission.replay) return send(res, admission.replay.status, admission.headers, admission.replay.body);
  // The test-double workload: some milliseconds of "rendering", then a deterministic image stand-in.
  await sleep(20 + (createHash('md5').update(prompt).digest()[0] % 40));
  const response = {
    created: Math.floor(Date.now() / 1000),
    data: Array.from({ length: n }, (_, i) => ({ b64_json: Buffer.from(`${prompt}#${i}`).toString('base64') })),
    usage,
  };
  await metering.complete(admission, {
    requestId,
    model: 'gpt-image-1',
    endpoint: 'generations',
    n,
    size: '1024x1024',
    quality,
    usage,
    latencyMs: performance.now() - started,
    responseBody: response,
  });
  // Billed (committed) before the response leaves: a crash after this line leaves a row the retry will replay.
  send(res, 200, { ...admission.headers, 'x-request-id': requestId }, response);
}

const server = createServer((req, res) => {
  handle(req, res).catch((err: unknown) => {
    const apiError = err instanceof ApiError ? err : new ApiError({ status: 500, message: String(err) });
    send(res, apiError.status, apiError.headers, apiError.toBody());
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  void metering.close().then(() => process.exit(0));
});
