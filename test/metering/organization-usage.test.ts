// GET /v1/organization/usage/images and /v1/organization/costs: OpenAI's page/bucket/result shapes from the ledger.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { createMetering, type Metering } from '../../src/metering/metering.ts';
import organizationUsageRoutes from '../../src/server/routes/organization-usage.ts';
import { squareUsage, tempHome } from './helpers.ts';

const DAY = 86_400;
const T0 = 1_764_288_000; // 2025-11-28T00:00:00Z

async function seed(): Promise<{ metering: Metering; admin: string; user: string; keyA: string }> {
  let now = T0 * 1000;
  const metering = createMetering({ home: tempHome(), now: () => now });
  const admin = await metering.createKey({ name: 'ops', role: 'admin' });
  const a = await metering.createKey({ name: 'app-a', projectId: 'proj_a' });
  const b = await metering.createKey({ name: 'app-b', projectId: 'proj_b' });
  const requests: Array<[number, string, 'generations' | 'edits', number, 'low' | 'high', string]> = [
    [T0 + 10, a.secret, 'generations', 2, 'low', 'gpt-image-1'],
    [T0 + 20, b.secret, 'edits', 1, 'high', 'gpt-image-1'],
    [T0 + 30, a.secret, 'generations', 1, 'low', 'gpt-image-1-mini'],
    [T0 + 2 * DAY + 5, b.secret, 'generations', 3, 'low', 'gpt-image-1'],
  ];
  let i = 0;
  for (const [at, secret, endpoint, n, quality, model] of requests) {
    now = at * 1000;
    const caller = await metering.authenticate(`Bearer ${secret}`, false);
    const admission = await metering.admit(caller, { images: n, tokens: 1 });
    await metering.complete(admission, {
      requestId: `req_${i++}`,
      model,
      endpoint,
      n,
      size: '1024x1024',
      quality,
      usage: squareUsage(quality, 'a red fox', n),
      latencyMs: 5,
    });
  }
  const failed = await metering.admit(await metering.authenticate(`Bearer ${a.secret}`, false), { images: 1, tokens: 1 });
  await metering.fail(failed, { requestId: 'req_failed', model: 'gpt-image-1', endpoint: 'generations', n: 1, status: 500, latencyMs: 1 });
  return { metering, admin: admin.secret, user: a.secret, keyA: a.key.id };
}

async function appFor(metering: Metering) {
  const app = Fastify();
  await app.register(organizationUsageRoutes, { metering });
  return app;
}

test('usage/images: daily buckets (empty ones too), totals without grouping, failed requests not counted', async () => {
  const { metering, admin } = await seed();
  const app = await appFor(metering);
  const res = await app.inject({
    url: `/v1/organization/usage/images?start_time=${T0}&end_time=${T0 + 3 * DAY}`,
    headers: { authorization: `Bearer ${admin}` },
  });
  assert.equal(res.statusCode, 200, res.body);
  const page = res.json();
  assert.deepEqual(page, {
    object: 'page',
    has_more: false,
    next_page: null,
    data: [
      {
        object: 'bucket',
        start_time: T0,
        end_time: T0 + DAY,
        results: [
          {
            object: 'organization.usage.images.result',
            images: 4,
            num_model_requests: 3,
            source: null,
            size: null,
            project_id: null,
            user_id: null,
            api_key_id: null,
            model: null,
          },
        ],
      },
      { object: 'bucket', start_time: T0 + DAY, end_time: T0 + 2 * DAY, results: [] },
      {
        object: 'bucket',
        start_time: T0 + 2 * DAY,
        end_time: T0 + 3 * DAY,
        results: [
          {
            object: 'organization.usage.images.result',
            images: 3,
            num_model_requests: 1,
            source: null,
            size: null,
            project_id: null,
            user_id: null,
            api_key_id: null,
            model: null,
          },
        ],
      },
    ],
  });
  await app.close();
  await metering.close();
});

test('usage/images: group_by, filters and paging with next_page', async () => {
  const { metering, admin, keyA } = await seed();
  const app = await appFor(metering);
  const get = async (qs: string) => {
    const res = await app.inject({ url: `/v1/organization/usage/images?${qs}`, headers: { authorization: `Bearer ${admin}` } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const grouped = await get(`start_time=${T0}&end_time=${T0 + DAY}&group_by=model&group_by=source`);
  assert.deepEqual(
    grouped.data[0].results.map((r: Record<string, unknown>) => [r.model, r.source, r.images]),
    [
      ['gpt-image-1', 'image.edit', 1],
      ['gpt-image-1', 'image.generation', 2],
      ['gpt-image-1-mini', 'image.generation', 1],
    ],
  );
  const filtered = await get(`start_time=${T0}&end_time=${T0 + DAY}&api_key_ids=${keyA}&group_by[]=api_key_id&sources=image.generation`);
  assert.deepEqual(filtered.data[0].results.map((r: Record<string, unknown>) => [r.api_key_id, r.images]), [[keyA, 3]]);

  const first = await get(`start_time=${T0}&end_time=${T0 + 3 * DAY}&bucket_width=1d&limit=2`);
  assert.equal(first.data.length, 2);
  assert.equal(first.has_more, true);
  const second = await get(`start_time=${T0}&end_time=${T0 + 3 * DAY}&limit=2&page=${first.next_page}`);
  assert.deepEqual([second.data.length, second.data[0].start_time, second.has_more, second.next_page], [1, T0 + 2 * DAY, false, null]);
  const hourly = await get(`start_time=${T0}&end_time=${T0 + DAY}&bucket_width=1h`);
  assert.equal(hourly.data.length, 24);
  assert.equal(hourly.data[0].results[0].images, 4);
  await app.close();
  await metering.close();
});

test('costs: totals per day, by project and by line item', async () => {
  const { metering, admin } = await seed();
  const app = await appFor(metering);
  const get = async (qs: string) => {
    const res = await app.inject({ url: `/v1/organization/costs?${qs}`, headers: { authorization: `Bearer ${admin}` } });
    assert.equal(res.statusCode, 200, res.body);
    return res.json();
  };
  const total = await get(`start_time=${T0}&end_time=${T0 + DAY}`);
  // 2 low (2*272*$40/M) + 1 high edit (4160*$40/M) + 1 mini low (272*$8/M) + 3 prompts x 3 text tokens.
  const expected = 2 * 0.01088 + 0.1664 + 0.002176 + 2 * 3 * 5e-6 + 3 * 2e-6;
  assert.equal(total.data[0].results.length, 1);
  assert.equal(total.data[0].results[0].object, 'organization.costs.result');
  assert.equal(total.data[0].results[0].amount.currency, 'usd');
  assert.ok(Math.abs(total.data[0].results[0].amount.value - expected) < 1e-12, String(total.data[0].results[0].amount.value));
  const projects = await get(`start_time=${T0}&end_time=${T0 + DAY}&group_by=project_id`);
  assert.deepEqual(projects.data[0].results.map((r: { project_id: string }) => r.project_id).sort(), ['proj_a', 'proj_b']);
  const items = await get(`start_time=${T0}&end_time=${T0 + DAY}&group_by=line_item`);
  assert.deepEqual(
    items.data[0].results.map((r: { line_item: string; amount: { value: number } }) => [r.line_item, r.amount.value]),
    [
      ['gpt-image-1, text input', 0.00003],
      ['gpt-image-1, image output', 0.18816],
      ['gpt-image-1-mini, text input', 0.000006],
      ['gpt-image-1-mini, image output', 0.002176],
    ],
  );
  await app.close();
  await metering.close();
});

test('admin-key protected, and bad queries get OpenAI 400s naming the param', async () => {
  const { metering, admin, user } = await seed();
  const app = await appFor(metering);
  const none = await app.inject({ url: `/v1/organization/costs?start_time=${T0}` });
  assert.equal(none.statusCode, 401);
  assert.equal(none.json().error.type, 'invalid_request_error');
  const userKey = await app.inject({ url: `/v1/organization/costs?start_time=${T0}`, headers: { authorization: `Bearer ${user}` } });
  assert.equal(userKey.statusCode, 403);
  assert.equal(userKey.json().error.type, 'permission_error');
  const bad: Array<[string, string]> = [
    ['usage/images?end_time=5', 'start_time'],
    [`usage/images?start_time=${T0}&bucket_width=1w`, 'bucket_width'],
    [`usage/images?start_time=${T0}&group_by=color`, 'group_by'],
    [`usage/images?start_time=${T0}&limit=32`, 'limit'],
    [`usage/images?start_time=${T0}&sources=image.dream`, 'sources'],
    [`usage/images?start_time=${T0}&end_time=${T0}`, 'end_time'],
    [`usage/images?start_time=${T0}&page=bogus`, 'page'],
    [`costs?start_time=${T0}&bucket_width=1h`, 'bucket_width'],
    [`costs?start_time=abc`, 'start_time'],
  ];
  for (const [path, param] of bad) {
    const res = await app.inject({ url: `/v1/organization/${path}`, headers: { authorization: `Bearer ${admin}` } });
    assert.equal(res.statusCode, 400, path);
    assert.equal(res.json().error.param, param, path);
    assert.equal(res.json().error.type, 'invalid_request_error');
  }
  await app.close();
  await metering.close();
});
