// Every image the Images API returns carries Content Credentials that c2pa-rs validates: generations in each format
// (after output_compression), streamed partial previews, edits of a signed image, variations; and the verify route
// answers through the same server. The real app and official SDK, with the test engine double from test/helpers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toFile } from 'openai';
import type { FastifyInstance } from 'fastify';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import verifyRoutes from '../../src/server/routes/verify.ts';
import { createContentCredentials, type AtelierContentCredentials } from '../../src/provenance/c2pa-credentials.ts';
import { verifyImage } from '../../src/provenance/verify.ts';
import type { VerificationReport } from '../../src/provenance/content-credentials.ts';
import { TRAINED_ALGORITHMIC_MEDIA } from '../../src/provenance/manifest.ts';
import { FORMATS, makeImage } from './fixtures.ts';

let home: string;
let credentials: AtelierContentCredentials;
let server: TestServer;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'atelier-prov-'));
  credentials = await createContentCredentials({ home, version: '0.1.0', notice: () => {} });
  server = await startTestServer({
    credentials,
    extraRoutes: [(app: FastifyInstance) => verifyRoutes(app, { home })],
  });
});
after(async () => {
  await server.close();
  await rm(home, { recursive: true, force: true });
});

/** The model that made the pixels: the engine's own id, or (as the pipeline passes today) the requested name. */
function assertAgent(report: VerificationReport, requested: string): void {
  assert.ok([requested, server.engine.info.id].includes(report.softwareAgent ?? ''), `softwareAgent ${report.softwareAgent}`);
}

async function check(b64: string | undefined): Promise<{ untrusted: VerificationReport; trusted: VerificationReport; bytes: Buffer }> {
  assert.ok(b64, 'the response carries the image');
  const bytes = Buffer.from(b64, 'base64');
  const untrusted = await verifyImage(bytes);
  const trusted = await verifyImage(bytes, { trustAnchorsPem: credentials.localTrustAnchorPem });
  assert.equal(untrusted.state, 'valid', JSON.stringify(untrusted.failure));
  assert.equal(trusted.state, 'trusted', JSON.stringify(trusted.failure));
  return { untrusted, trusted, bytes };
}

describe('POST /v1/images/generations', () => {
  for (const format of FORMATS) {
    it(`${format}: the image is signed, Valid / Trusted, and names the model`, async () => {
      const res = await server.client.images.generate({
        model: 'gpt-image-1',
        prompt: 'a lighthouse',
        size: '1024x1024',
        quality: 'low',
        output_format: format,
        ...(format === 'png' ? {} : { output_compression: 35 }),
      });
      const { trusted } = await check(res.data?.[0]?.b64_json);
      assert.equal(trusted.format, `image/${format}`);
      assert.equal(trusted.actions[0].action, 'c2pa.created');
      assert.equal(trusted.actions[0].digitalSourceType, TRAINED_ALGORITHMIC_MEDIA);
      assertAgent(trusted, 'gpt-image-1');
      assert.equal(trusted.claimGenerator, 'Atelier 0.1.0');
    });
  }

  it('n > 1: every image is signed', async () => {
    const res = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'three cats', n: 3, quality: 'low', output_format: 'jpeg' });
    assert.equal(res.data?.length, 3);
    for (const d of res.data ?? []) await check(d.b64_json);
  });

  it('streaming: partial previews and the final image are all signed', async () => {
    const stream = await server.client.images.generate({
      model: 'gpt-image-1', prompt: 'a fox', stream: true, partial_images: 2, quality: 'low', output_format: 'webp',
    });
    let partials = 0;
    let completed = 0;
    for await (const event of stream) {
      await check(event.b64_json);
      if (event.type === 'image_generation.partial_image') partials++;
      if (event.type === 'image_generation.completed') completed++;
    }
    assert.equal(partials, 2);
    assert.equal(completed, 1);
  });
});

describe('POST /v1/images/edits and /v1/images/variations', () => {
  it('editing an image Atelier signed shows it as an ingredient with its own manifest', async () => {
    const generated = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a boat', quality: 'low', output_format: 'png' });
    const { bytes: original } = await check(generated.data?.[0]?.b64_json);
    const res = await server.client.images.edit({
      model: 'gpt-image-1',
      prompt: 'add a sail',
      image: await toFile(original, 'boat.png', { type: 'image/png' }),
      output_format: 'jpeg',
      quality: 'low',
    });
    const { trusted } = await check(res.data?.[0]?.b64_json);
    assert.deepEqual(trusted.actions.map((a) => a.action), ['c2pa.opened', 'c2pa.edited']);
    assertAgent(trusted, 'gpt-image-1');
    assert.equal(trusted.ingredients[0].title, 'boat.png');
    assert.equal(trusted.ingredients[0].relationship, 'parentOf');
    assert.equal(trusted.ingredients[0].hasManifest, true);
    assert.equal(trusted.ingredients[0].validationState, 'trusted');
  });

  it('edits with several unsigned inputs list each of them', async () => {
    const res = await server.client.images.edit({
      model: 'gpt-image-1',
      prompt: 'combine',
      image: [
        await toFile(await makeImage('png', { seed: 1 }), 'a.png', { type: 'image/png' }),
        await toFile(await makeImage('jpeg', { seed: 2 }), 'b.jpg', { type: 'image/jpeg' }),
        await toFile(await makeImage('webp', { seed: 3 }), 'c.webp', { type: 'image/webp' }),
      ],
      output_format: 'webp',
      quality: 'low',
    });
    const { trusted } = await check(res.data?.[0]?.b64_json);
    assert.deepEqual(trusted.ingredients.map((i) => [i.title, i.relationship, i.hasManifest]), [
      ['a.png', 'parentOf', false],
      ['b.jpg', 'componentOf', false],
      ['c.webp', 'componentOf', false],
    ]);
  });

  it('variations are signed as edits of their input', async () => {
    const res = await server.client.images.createVariation({
      model: 'dall-e-2',
      image: await toFile(await makeImage('png', { width: 64, height: 64 }), 'square.png', { type: 'image/png' }),
      size: '256x256',
      response_format: 'b64_json',
    });
    const { trusted } = await check(res.data?.[0]?.b64_json);
    assert.equal(trusted.actions[0].action, 'c2pa.opened');
    assert.equal(trusted.ingredients[0].title, 'square.png');
    assertAgent(trusted, 'dall-e-2');
  });
});

describe('POST /v1/provenance/verify on the same server', () => {
  it('reports a generated image as trusted (the server trusts its own CA)', async () => {
    const generated = await server.client.images.generate({ model: 'gpt-image-1', prompt: 'a tree', quality: 'low' });
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(Buffer.from(generated.data?.[0]?.b64_json ?? '', 'base64'))], { type: 'image/png' }), 'tree.png');
    const res = await fetch(`${server.url}/v1/provenance/verify`, { method: 'POST', body: form });
    assert.equal(res.status, 200);
    const body = (await res.json()) as VerificationReport;
    assert.equal(body.state, 'trusted');
    assertAgent(body, 'gpt-image-1');
  });
});
