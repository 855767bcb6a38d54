// Hostile input: well over 1,000 malformed requests (bad JSON, wrong types, huge n, unknown parameters, truncated
// multipart, non-images, 20000x20000 PNG headers, ...). Every one must get a 4xx with OpenAI's envelope, and the
// server must still serve a real request afterwards.
import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { describe, it } from 'node:test';
import { pngImage } from '../helpers/images.ts';
import { startTestServer } from '../helpers/server.ts';

interface RawRequest {
  label: string;
  path: string;
  contentType?: string;
  body: Buffer | string;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([len, typed, crc]);
}

/** A PNG whose header claims width x height, followed by a tiny (wrong) IDAT: a decompression-bomb stand-in. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x63, 0x00, 0x00])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const BOUNDARY = '----atelierHostileBoundary';

function multipart(parts: Array<{ name: string; value?: string; file?: Buffer; filename?: string; type?: string }>): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    let head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"`;
    if (p.file) head += `; filename="${p.filename ?? 'f.png'}"\r\nContent-Type: ${p.type ?? 'image/png'}`;
    chunks.push(Buffer.from(`${head}\r\n\r\n`), p.file ?? Buffer.from(p.value ?? ''), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

async function buildCorpus(): Promise<RawRequest[]> {
  const rand = rng(7);
  const out: RawRequest[] = [];
  const json = (label: string, path: string, body: unknown): void => {
    out.push({ label, path, contentType: 'application/json', body: JSON.stringify(body) });
  };
  const mp = 'multipart/form-data; boundary=' + BOUNDARY;
  const valid = JSON.stringify({ model: 'gpt-image-1', prompt: 'a cat', n: 1, size: '1024x1024' });

  // Bad JSON: every truncation of a valid body, plus garbage.
  for (let i = 1; i < valid.length; i++) out.push({ label: `truncated json ${i}`, path: '/v1/images/generations', contentType: 'application/json', body: valid.slice(0, i) });
  for (const body of ['', 'null', '[]', '"x"', '42', 'true', '{', '}', '{"prompt":"x",}', "{'prompt':'x'}", '{"prompt":"\\ud800"', 'NaN', '{"__proto__":{"x":1},"prompt":"x"}', '{"constructor":{"prototype":{"x":1}},"prompt":"x"}']) {
    out.push({ label: `bad json ${body}`, path: '/v1/images/generations', contentType: 'application/json', body });
  }

  // Wrong types and bad values for every parameter, on generations and JSON edits.
  const badValues: unknown[] = ['bogus', -1, 1.5, 1e300, true, [], {}, [1, 2], { a: 1 }, '', 'x'.repeat(300), -999999999999];
  const params = ['model', 'n', 'size', 'quality', 'background', 'output_format', 'output_compression', 'moderation', 'response_format', 'style', 'stream', 'partial_images', 'user', 'seed', 'prompt'];
  for (const param of params) {
    for (const value of badValues) {
      if (param === 'user' && typeof value === 'string' && value.length <= 256) continue;
      if (param === 'prompt' && typeof value === 'string' && value.length > 0) continue;
      if (param === 'stream' && value === true) continue;
      json(`gen ${param}=${JSON.stringify(value).slice(0, 20)}`, '/v1/images/generations', { model: 'gpt-image-1', prompt: 'a cat', [param]: value });
    }
  }
  // Huge and out-of-range numbers.
  for (const n of [11, 100, 1e6, 2 ** 31, 2 ** 53, -1, 0, 1e21]) {
    json(`huge n ${n}`, '/v1/images/generations', { model: 'gpt-image-1', prompt: 'x', n });
    json(`dalle3 n ${n}`, '/v1/images/generations', { model: 'dall-e-3', prompt: 'x', n: n === 0 ? 2 : n });
  }
  // Unknown parameters.
  for (let i = 0; i < 150; i++) {
    const name = `p_${Math.floor(rand() * 1e9).toString(36)}`;
    json(`unknown ${name}`, '/v1/images/generations', { model: 'gpt-image-1', prompt: 'x', [name]: rand() });
  }
  // Mixed family errors.
  for (const model of ['dall-e-2', 'dall-e-3']) {
    for (const param of ['background', 'output_format', 'output_compression', 'moderation', 'stream', 'partial_images']) {
      json(`${model} ${param}`, '/v1/images/generations', { model, prompt: 'x', [param]: param === 'background' ? 'opaque' : param === 'output_format' ? 'png' : param === 'moderation' ? 'low' : param === 'stream' ? true : 1 });
    }
  }
  json('long prompt', '/v1/images/generations', { model: 'gpt-image-1', prompt: 'x'.repeat(32001) });
  json('long dalle prompt', '/v1/images/generations', { model: 'dall-e-2', prompt: 'x'.repeat(1001) });

  // JSON edits with broken image references.
  const refs: unknown[] = [[], [null], [1], ['x'], [{}], [{ image_url: 1 }], [{ image_url: 'x' }], [{ image_url: 'https://169.254.169.254/latest' }],
    [{ image_url: 'data:image/png;base64,!!!' }], [{ image_url: 'data:image/png;base64,' }], [{ image_url: 'data:image/png;base64,aGVsbG8=' }],
    [{ file_id: 'file-1' }], [{ image_url: 'data:image/png;base64,aGVsbG8=', extra: 1 }], Array.from({ length: 17 }, () => ({ image_url: 'data:,' })), 'notanarray',
    [{ image_url: `data:image/png;base64,${pngHeader(20000, 20000).toString('base64')}` }]];
  for (const images of refs) json(`json edit ${JSON.stringify(images).slice(0, 30)}`, '/v1/images/edits', { model: 'gpt-image-1', prompt: 'x', images });
  json('json edit dall-e-2', '/v1/images/edits', { model: 'dall-e-2', prompt: 'x', images: [{ image_url: 'data:image/png;base64,aGVsbG8=' }] });

  // Multipart: a valid edit body truncated at many points.
  const png = await pngImage(16, 16);
  const good = multipart([{ name: 'model', value: 'gpt-image-1' }, { name: 'prompt', value: 'x' }, { name: 'image', file: png }]);
  for (let i = 1; i < good.length - 4; i += Math.max(1, Math.floor(good.length / 300))) {
    out.push({ label: `truncated multipart ${i}`, path: i % 2 ? '/v1/images/edits' : '/v1/images/variations', contentType: mp, body: good.subarray(0, i) });
  }
  // Multipart: non-images, bombs, wrong types, bad fields.
  for (let i = 0; i < 60; i++) {
    const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 2000) }, () => Math.floor(rand() * 256)));
    out.push({ label: `junk file ${i}`, path: i % 2 ? '/v1/images/edits' : '/v1/images/variations', contentType: mp, body: multipart([{ name: 'prompt', value: 'x' }, { name: 'image', file: junk }]) });
  }
  for (const [w, h] of [[20000, 20000], [100000, 1], [1, 100000], [65535, 65535], [0, 0], [4097, 4097]]) {
    for (const path of ['/v1/images/edits', '/v1/images/variations']) {
      out.push({ label: `png header ${w}x${h} ${path}`, path, contentType: mp, body: multipart([{ name: 'prompt', value: 'x' }, { name: 'image', file: pngHeader(w, h) }]) });
    }
    out.push({ label: `mask header ${w}x${h}`, path: '/v1/images/edits', contentType: mp, body: multipart([{ name: 'prompt', value: 'x' }, { name: 'image', file: png }, { name: 'mask', file: pngHeader(w, h) }]) });
  }
  for (const type of ['application/octet-stream', 'text/plain', 'image/gif', 'application/pdf', '']) {
    out.push({ label: `mime ${type}`, path: '/v1/images/edits', contentType: mp, body: multipart([{ name: 'prompt', value: 'x' }, { name: 'image', file: png, type, filename: 'f.bin' }]) });
  }
  const formCases: Array<Array<{ name: string; value?: string; file?: Buffer; type?: string }>> = [
    [{ name: 'prompt', value: 'x' }],
    [{ name: 'image', file: png }],
    [{ name: 'prompt', value: 'x' }, { name: 'image', value: 'not a file' }],
    [{ name: 'prompt', value: 'x' }, { name: 'image', file: png }, { name: 'n', value: 'abc' }],
    [{ name: 'prompt', value: 'x' }, { name: 'image', file: png }, { name: 'n', value: '99' }],
    [{ name: 'prompt', value: 'x' }, { name: 'image', file: png }, { name: 'stream', value: 'yes' }],
    [{ name: 'prompt', value: 'x' }, { name: 'image', file: png }, { name: 'moderation', value: 'low' }],
    [{ name: 'prompt', value: 'x' }, { name: 'image', file: png }, { name: 'surprise', file: png }],
    [{ name: 'prompt', value: 'x' }, { name: 'image', file: png }, { name: 'prompt', value: 'y' }],
    [{ name: 'prompt', value: 'x' }, { name: 'image', file: png }, { name: 'mask', file: png }, { name: 'mask', file: png }],
    [{ name: 'prompt', value: 'x' }, ...Array.from({ length: 17 }, () => ({ name: 'image[]', file: png }))],
    [{ name: 'prompt', value: 'x'.repeat(300 * 1024) }, { name: 'image', file: png }],
    [{ name: '__proto__', value: 'x' }, { name: 'image', file: png }],
  ];
  for (const parts of formCases) {
    // A lone image is a valid variation, so that case goes to edits only.
    const paths = parts.length === 1 && parts[0].name === 'image' ? ['/v1/images/edits'] : ['/v1/images/edits', '/v1/images/variations'];
    for (const path of paths) out.push({ label: `form ${parts.map((p) => p.name).join(',').slice(0, 40)} ${path}`, path, contentType: mp, body: multipart(parts) });
  }
  // Bodies that are not what the endpoint speaks.
  for (const path of ['/v1/images/generations', '/v1/images/edits', '/v1/images/variations']) {
    out.push({ label: `no boundary ${path}`, path, contentType: 'multipart/form-data', body: good });
    out.push({ label: `wrong boundary ${path}`, path, contentType: 'multipart/form-data; boundary=nope', body: good });
    out.push({ label: `xml ${path}`, path, contentType: 'application/xml', body: '<x/>' });
    out.push({ label: `no type ${path}`, path, body: 'hello' });
    out.push({ label: `json to form ${path}`, path, contentType: 'application/json', body: '{"image": "x"}' });
    for (let i = 0; i < 20; i++) {
      const junk = Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 500) }, () => Math.floor(rand() * 256)));
      out.push({ label: `garbage ${i} ${path}`, path, contentType: i % 2 ? 'application/json' : mp, body: junk });
    }
  }
  return out;
}

async function send(url: string, req: RawRequest): Promise<{ status: number; body: unknown; type: string | null; id: string | null }> {
  const headers: Record<string, string> = {};
  if (req.contentType !== undefined) headers['content-type'] = req.contentType;
  const body0 = typeof req.body === 'string' ? req.body : new Uint8Array(req.body);
  const res = await fetch(url + req.path, { method: 'POST', headers, body: body0 });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // left as text; the assertion below reports it
  }
  return { status: res.status, body, type: res.headers.get('content-type'), id: res.headers.get('x-request-id') };
}

describe('hostile input', () => {
  it('answers at least 1,000 malformed requests with 4xx and the envelope, and stays alive', async (t) => {
    const server = await startTestServer();
    try {
      const corpus = await buildCorpus();
      assert.ok(corpus.length >= 1000, `corpus has ${corpus.length} requests`);
      const failures: string[] = [];
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < corpus.length) {
          const req = corpus[next++];
          const res = await send(server.url, req);
          const error = (res.body as { error?: Record<string, unknown> })?.error;
          const ok =
            res.status >= 400 && res.status < 500 &&
            (res.type ?? '').startsWith('application/json') &&
            !!res.id &&
            !!error && typeof error.message === 'string' && typeof error.type === 'string' && 'param' in error && 'code' in error;
          if (!ok) failures.push(`${req.label}: ${res.status} ${JSON.stringify(res.body).slice(0, 160)}`);
        }
      };
      await Promise.all(Array.from({ length: 6 }, worker));
      assert.deepEqual(failures, []);
      t.diagnostic(`${corpus.length} malformed requests, all answered 4xx with the envelope`);
      const health = await fetch(`${server.url}/health`);
      assert.equal(health.status, 200);
      const res = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'still alive' });
      assert.equal(res.data?.length, 1);
    } finally {
      await server.close();
    }
  });
});
