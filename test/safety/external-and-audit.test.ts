import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createModerator } from '../../src/safety/create-moderator.ts';
import { parseModerationResponse } from '../../src/safety/external-moderator.ts';
import { moderationBlockedError } from '../../src/safety/blocked-error.ts';
import { ApiError } from '../../src/contract/api-error.ts';

// A stand-in for an OpenAI-compatible /v1/moderations endpoint: flags any input containing "forbidden-word",
// scores "harassment" 0.6 for inputs containing "rude", and fails with 500 for "crash".
const seen: Array<{ auth: string | undefined; body: { model: string; input: unknown } }> = [];
const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  let raw = '';
  req.on('data', (c: Buffer) => (raw += c.toString()));
  req.on('end', () => {
    const body = JSON.parse(raw) as { model: string; input: unknown };
    seen.push({ auth: req.headers.authorization, body });
    const text = JSON.stringify(body.input);
    if (text.includes('crash')) {
      res.writeHead(500).end('{}');
      return;
    }
    const flagged = text.includes('forbidden-word');
    const rude = text.includes('rude') ? 0.6 : 0.01;
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'modr-test',
        model: body.model,
        results: [
          {
            flagged: flagged || rude > 0.5,
            categories: { 'illicit/violent': flagged, harassment: rude > 0.5, sexual: false },
            category_scores: { 'illicit/violent': flagged ? 0.97 : 0.02, harassment: rude, sexual: 0.001 },
          },
        ],
      }),
    );
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/moderations`;
const dir = await mkdtemp(join(tmpdir(), 'atelier-safety-'));
after(async () => {
  server.close();
  await rm(dir, { recursive: true, force: true });
});

test('the external moderator adds its blocks, folded into Atelier categories, with the bearer key', async () => {
  const m = await createModerator({ externalUrl: url, externalKey: 'sk-test' });
  const v = await m.checkText('a picture of a forbidden-word', 'low');
  assert.deepEqual(v, { flagged: true, categories: ['illicit'] });
  const last = seen.at(-1)!;
  assert.equal(last.auth, 'Bearer sk-test');
  assert.equal(last.body.model, 'omni-moderation-latest');
  assert.equal(last.body.input, 'a picture of a forbidden-word');
});

test('levels apply to external scores: 0.6 blocks at auto (0.5) but not at low (0.8)', async () => {
  const m = await createModerator({ externalUrl: url });
  assert.deepEqual((await m.checkText('a rude picture', 'auto')).categories, ['harassment']);
  assert.equal((await m.checkText('a rude picture', 'low')).flagged, false);
});

test('the external moderator is not asked when the local classifier already blocks', async () => {
  const m = await createModerator({ externalUrl: url });
  const before = seen.length;
  assert.equal((await m.checkText('explicit porn scene', 'auto')).flagged, true);
  assert.equal(seen.length, before);
});

test('images are sent as a small JPEG data URL', async () => {
  const m = await createModerator({ externalUrl: url, policy: { levels: { auto: { image: { porn: null, hentai: null, sexy: null, explicitSum: null } } } } });
  const image = { width: 64, height: 64, channels: 3 as const, data: new Uint8Array(64 * 64 * 3).fill(90) };
  assert.equal((await m.checkImage(image, 'auto', 'output')).flagged, false);
  const input = seen.at(-1)!.body.input as Array<{ type: string; image_url: { url: string } }>;
  assert.equal(input[0].type, 'image_url');
  assert.match(input[0].image_url.url, /^data:image\/jpeg;base64,\/9j\//);
});

test('an external failure fails closed with a 503 by default, or open when the operator chooses', async () => {
  const closed = await createModerator({ externalUrl: url });
  await assert.rejects(closed.checkText('please crash', 'auto'), (e: unknown) => {
    return e instanceof ApiError && e.status === 503 && e.code === 'moderation_unavailable';
  });
  const open = await createModerator({ externalUrl: url, policy: { externalFailOpen: true } });
  assert.equal((await open.checkText('please crash', 'auto')).flagged, false);
  const unreachable = await createModerator({ externalUrl: 'http://127.0.0.1:9/v1/moderations' });
  await assert.rejects(unreachable.checkText('hello', 'auto'), { status: 503 });
});

test('malformed external responses are errors, not silent passes', () => {
  assert.throws(() => parseModerationResponse({}), /no results/);
  assert.throws(() => parseModerationResponse({ results: [] }), /no results/);
  assert.deepEqual(parseModerationResponse({ results: [{ categories: { hate: true }, category_scores: { hate: 0.9 } }] }), {
    flags: { hate: true },
    scores: { hate: 0.9 },
  });
});

test('a non-http external URL is refused at startup', async () => {
  await assert.rejects(createModerator({ externalUrl: 'file:///etc/passwd' }), /must be http/);
});

test('the audit log records blocks without prompt text or pixels unless the operator opts in', async () => {
  const path = join(dir, 'audit', 'blocks.jsonl');
  const m = await createModerator({ auditLogPath: path });
  await m.checkText('a harmless landscape', 'auto');
  await m.checkText('a topless woman on the beach', 'auto', { requestId: 'req_1', user: 'u-42' });
  const lines = (await readFile(path, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 1, 'only blocks are logged');
  assert.equal(lines[0].requestId, 'req_1');
  assert.equal(lines[0].user, 'u-42');
  assert.deepEqual(lines[0].categories, ['sexual']);
  assert.deepEqual(lines[0].sources, ['sexual.nudity']);
  assert.equal(lines[0].textLength, 'a topless woman on the beach'.length);
  assert.equal(lines[0].text, undefined);
  assert.ok(!JSON.stringify(lines[0]).includes('topless'));
  assert.equal((await stat(path)).mode & 0o777, 0o600);

  const optedIn = join(dir, 'with-prompts.jsonl');
  const m2 = await createModerator({ auditLogPath: optedIn, policy: { auditIncludesPrompt: true } });
  await m2.checkText('a topless woman on the beach', 'auto');
  assert.equal((JSON.parse(await readFile(optedIn, 'utf8')) as { text: string }).text, 'a topless woman on the beach');
});

test('a failing audit log keeps the block and does not poison later writes', async () => {
  const m = await createModerator({ auditLogPath: dir }); // a directory: every append fails
  const originalError = console.error;
  const errors: string[] = [];
  console.error = (msg: string) => void errors.push(msg);
  try {
    assert.deepEqual(await m.checkText('a topless woman on the beach', 'auto'), { flagged: true, categories: ['sexual'] });
    assert.equal((await m.checkText('a topless woman on the beach', 'auto')).flagged, true);
  } finally {
    console.error = originalError;
  }
  assert.equal(errors.length, 2);
  assert.match(errors[0], /audit log write failed/);
});

test('moderationBlockedError has OpenAI gpt-image shape', () => {
  const err = moderationBlockedError('output', ['sexual', 'violence/graphic'], 'req_abc');
  assert.equal(err.status, 400);
  assert.deepEqual(err.toBody(), {
    error: {
      message:
        'Your request was rejected by the safety system. If you believe this is an error, contact the operator of ' +
        'this server and include the request ID req_abc. safety_violations=[sexual, violence/graphic].',
      type: 'image_generation_user_error',
      param: null,
      code: 'moderation_blocked',
      moderation_details: { moderation_stage: 'output', categories: ['sexual', 'violence/graphic'] },
    },
  });
  assert.match(moderationBlockedError('input', ['hate'], 'r', 'email safety@example.com').message, /error, email safety@example\.com and include/);
});
