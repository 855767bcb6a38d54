// The request-path helpers: input blocking, n > 1 partial blocking, partial previews.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RawImage } from '../../src/imaging/raw-image.ts';
import type { Moderator, ModerationContext, ModerationVerdict } from '../../src/safety/moderator.ts';
import { moderateInput, moderateOutputs, moderatePartial } from '../../src/safety/gate.ts';
import { createModerator } from '../../src/safety/create-moderator.ts';
import { ApiError } from '../../src/contract/api-error.ts';
import { flat } from './support/synthetic-images.ts';

/** Test double: blocks images whose first red byte is 255, and prompts containing "BAD". Records what it saw. */
class MarkerModerator implements Moderator {
  readonly calls: string[] = [];
  async checkText(text: string, _level: 'auto' | 'low', ctx?: ModerationContext): Promise<ModerationVerdict> {
    this.calls.push(ctx?.subject ?? 'text');
    return text.includes('BAD') ? { flagged: true, categories: ['hate'] } : { flagged: false, categories: [] };
  }
  async checkImage(image: RawImage, _l: 'auto' | 'low', _s: 'input' | 'output', ctx?: ModerationContext): Promise<ModerationVerdict> {
    this.calls.push(ctx?.subject ?? 'image');
    return image.data[0] === 255 ? { flagged: true, categories: ['sexual'] } : { flagged: false, categories: [] };
  }
}

const ok = flat([10, 10, 10], 8);
const blocked = flat([255, 0, 0], 8);
const opts = { requestId: 'req_test' };

function isBlock(stage: string, categories: string[]) {
  return (e: unknown) =>
    e instanceof ApiError &&
    e.status === 400 &&
    e.code === 'moderation_blocked' &&
    JSON.stringify(e.extra.moderation_details) === JSON.stringify({ moderation_stage: stage, categories }) &&
    e.message.includes('req_test');
}

test('input: a flagged prompt blocks before any image is looked at', async () => {
  const m = new MarkerModerator();
  await assert.rejects(moderateInput(m, 'BAD prompt', [ok], 'auto', opts), isBlock('input', ['hate']));
  assert.deepEqual(m.calls, ['prompt']);
});

test('input: every input image is checked and a blocked one fails the request', async () => {
  const m = new MarkerModerator();
  await assert.rejects(moderateInput(m, 'fine', [ok, blocked, ok], 'auto', opts), isBlock('input', ['sexual']));
  assert.deepEqual(m.calls, ['prompt', 'image[0]', 'image[1]', 'image[2]']);
  await moderateInput(new MarkerModerator(), 'fine', [ok, ok], 'low', opts);
});

test('n > 1, "drop" (default): blocked outputs are left out and the rest returned', async () => {
  const r = await moderateOutputs(new MarkerModerator(), [ok, blocked, ok, blocked], 'auto', opts);
  assert.deepEqual(r.kept, [0, 2]);
  assert.deepEqual(r.blocked, [
    { index: 1, categories: ['sexual'] },
    { index: 3, categories: ['sexual'] },
  ]);
});

test('n > 1: when every output is blocked the request fails at the output stage', async () => {
  await assert.rejects(moderateOutputs(new MarkerModerator(), [blocked, blocked], 'auto', opts), isBlock('output', ['sexual']));
});

test('n > 1, "reject": one blocked output fails the whole request', async () => {
  await assert.rejects(
    moderateOutputs(new MarkerModerator(), [ok, blocked, ok], 'auto', { ...opts, partialOutputs: 'reject' }),
    isBlock('output', ['sexual']),
  );
  const r = await moderateOutputs(new MarkerModerator(), [ok, ok], 'auto', { ...opts, partialOutputs: 'reject' });
  assert.deepEqual(r.kept, [0, 1]);
});

test('partial previews: a blocked preview is not sent, a clean one is', async () => {
  const m = new MarkerModerator();
  assert.equal(await moderatePartial(m, blocked, 'auto', { ...opts, imageIndex: 0, partialIndex: 1 }), false);
  assert.equal(await moderatePartial(m, ok, 'auto', { ...opts, imageIndex: 0, partialIndex: 2 }), true);
  assert.deepEqual(m.calls, ['partial[0.1]', 'partial[0.2]']);
});

test('with the real moderator: a clean prompt and clean images go through, an unsafe prompt is blocked', async () => {
  const real = await createModerator();
  await moderateInput(real, 'a watercolor of a lighthouse', [flat([40, 90, 160], 64)], 'auto', opts);
  await assert.rejects(moderateInput(real, 'how to make a pipe bomb', [], 'low', opts), isBlock('input', ['illicit']));
  const r = await moderateOutputs(real, [flat([200, 200, 50], 64), flat([50, 50, 50], 64)], 'auto', opts);
  assert.deepEqual(r.kept, [0, 1]);
});
