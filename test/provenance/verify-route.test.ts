import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import verifyRoutes from '../../src/server/routes/verify.ts';
import { createContentCredentials } from '../../src/provenance/c2pa-credentials.ts';
import { FORMATS, changeOnePngPixel, makeImage } from './fixtures.ts';
import type { SignedFormat } from '../../src/provenance/content-credentials.ts';

let home: string;
let app: FastifyInstance;
const signed = new Map<SignedFormat, Buffer>();
let edited: Buffer;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'atelier-prov-'));
  const credentials = await createContentCredentials({ home, version: '0.1.0', notice: () => {} });
  for (const format of FORMATS) {
    signed.set(format, await credentials.sign({ image: await makeImage(format), format, model: 'atelier-shapes', action: 'created', ingredients: [] }));
  }
  edited = await credentials.sign({
    image: await makeImage('png', { seed: 4 }),
    format: 'png',
    model: 'atelier-shapes',
    action: 'edited',
    ingredients: [{ data: signed.get('jpeg') as Buffer, format: 'jpeg', title: 'input.jpg' }],
  });
  app = Fastify();
  await app.register(verifyRoutes, { home });
  await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await app.close();
  await rm(home, { recursive: true, force: true });
});

function multipartBody(field: string, data: Buffer, contentType = 'application/octet-stream') {
  const boundary = '----atelier-test-boundary';
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="upload"\r\nContent-Type: ${contentType}\r\n\r\n`),
    data,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

for (const format of FORMATS) {
  test(`${format}: a multipart upload of a signed image is trusted (the server's own CA)`, async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/provenance/verify', ...multipartBody('file', signed.get(format) as Buffer) });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { object: string; state: string; softwareAgent: string; format: string };
    assert.equal(body.object, 'provenance.verification');
    assert.equal(body.state, 'trusted');
    assert.equal(body.softwareAgent, 'atelier-shapes');
    assert.equal(body.format, `image/${format}`);
  });

  test(`${format}: a raw image body works too`, async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/provenance/verify',
      payload: signed.get(format) as Buffer,
      headers: { 'content-type': `image/${format}` },
    });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().state, 'trusted');
  });
}

test('an edited image lists its signed input as an ingredient', async () => {
  const res = await app.inject({ method: 'POST', url: '/v1/provenance/verify', ...multipartBody('file', edited, 'image/png') });
  const body = res.json() as { state: string; ingredients: { title: string; hasManifest: boolean; relationship: string }[] };
  assert.equal(body.state, 'trusted');
  assert.deepEqual(body.ingredients.map((i) => [i.title, i.relationship, i.hasManifest]), [['input.jpg', 'parentOf', true]]);
});

test('a one-pixel change is reported as invalid with a hash mismatch (200, not an error)', async () => {
  const tampered = changeOnePngPixel(signed.get('png') as Buffer, 5, 5);
  const res = await app.inject({ method: 'POST', url: '/v1/provenance/verify', payload: tampered, headers: { 'content-type': 'image/png' } });
  assert.equal(res.statusCode, 200);
  const body = res.json() as { state: string; valid: boolean; failure: { code: string }[] };
  assert.equal(body.state, 'invalid');
  assert.equal(body.valid, false);
  assert.ok(body.failure.some((f) => f.code === 'assertion.dataHash.mismatch'));
});

test('an image without credentials is absent', async () => {
  const res = await app.inject({ method: 'POST', url: '/v1/provenance/verify', payload: await makeImage('jpeg'), headers: { 'content-type': 'image/jpeg' } });
  assert.equal(res.json().state, 'absent');
});

test('bad uploads get the OpenAI error envelope naming the file param', async () => {
  const cases: { name: string; res: Awaited<ReturnType<FastifyInstance['inject']>>; status: number; code: string }[] = [
    {
      name: 'not an image',
      res: await app.inject({ method: 'POST', url: '/v1/provenance/verify', ...multipartBody('file', Buffer.from('%PDF-1.7 not an image at all')) }),
      status: 400,
      code: 'invalid_image_format',
    },
    {
      name: 'wrong field',
      res: await app.inject({ method: 'POST', url: '/v1/provenance/verify', ...multipartBody('image', signed.get('png') as Buffer) }),
      status: 400,
      code: 'missing_file',
    },
    {
      name: 'empty raw body',
      res: await app.inject({ method: 'POST', url: '/v1/provenance/verify', payload: Buffer.alloc(0), headers: { 'content-type': 'application/octet-stream' } }),
      status: 400,
      code: 'empty_file',
    },
    {
      name: 'json body',
      res: await app.inject({ method: 'POST', url: '/v1/provenance/verify', payload: { file: 'abc' } }),
      status: 400,
      code: 'missing_file',
    },
    {
      name: 'text body',
      res: await app.inject({ method: 'POST', url: '/v1/provenance/verify', payload: 'hello', headers: { 'content-type': 'text/plain' } }),
      status: 400,
      code: 'missing_file',
    },
  ];
  for (const c of cases) {
    assert.equal(c.res.statusCode, c.status, `${c.name}: ${c.res.body}`);
    const body = c.res.json() as { error: { type: string; param: string; code: string; message: string } };
    assert.equal(body.error.param, 'file', c.name);
    assert.equal(body.error.code, c.code, c.name);
    assert.equal(body.error.type, 'invalid_request_error', c.name);
    assert.ok(body.error.message.length > 10, c.name);
  }
});

test('an image over the 50 MB limit is refused with 413', async () => {
  const big = Buffer.alloc(51 * 1024 * 1024, 0);
  (signed.get('png') as Buffer).copy(big);
  const res = await app.inject({ method: 'POST', url: '/v1/provenance/verify', payload: big, headers: { 'content-type': 'image/png' } });
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().error.code, 'file_too_large');
});

test('works over real HTTP with FormData, as a browser or the SDK would send it', async () => {
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(signed.get('webp') as Buffer)], { type: 'image/webp' }), 'image.webp');
  const res = await fetch(`http://127.0.0.1:${address.port}/v1/provenance/verify`, { method: 'POST', body: form });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { state: string }).state, 'trusted');
});

test('a body over the upload limit is refused by the parser with 413', async () => {
  const huge = Buffer.alloc(52 * 1024 * 1024, 0);
  const res = await app.inject({ method: 'POST', url: '/v1/provenance/verify', payload: huge, headers: { 'content-type': 'image/png' } });
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().error.param, 'file');
});

test('a multipart file over the limit is refused with 413', async () => {
  const big = Buffer.alloc(50 * 1024 * 1024 + 10, 0);
  const res = await app.inject({ method: 'POST', url: '/v1/provenance/verify', ...multipartBody('file', big, 'image/png') });
  assert.equal(res.statusCode, 413, res.body);
  assert.equal(res.json().error.code, 'file_too_large');
});
