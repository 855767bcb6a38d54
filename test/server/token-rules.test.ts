/** Per-model token rules (metering.json) reach the `usage` the client sees, streamed or not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GPT_IMAGE_1_TOKEN_RULES, type TokenRules } from '../../src/metering/usage.ts';
import { startTestServer } from '../helpers/server.ts';

const cheap: TokenRules = {
  ...GPT_IMAGE_1_TOKEN_RULES,
  outputTokens: { ...GPT_IMAGE_1_TOKEN_RULES.outputTokens, '1024x1024': { low: 10, medium: 20, high: 30 } },
  partialImageTokens: 5,
};

describe('token rules per model', () => {
  it('uses the rules of the requested model, and gpt-image-1 rules for the others', async () => {
    const asked: string[] = [];
    const s = await startTestServer({
      tokenRules: (model) => {
        asked.push(model);
        return model === 'gpt-image-1-mini' ? cheap : GPT_IMAGE_1_TOKEN_RULES;
      },
    });
    try {
      const mini = await s.client.images.generate({ model: 'gpt-image-1-mini', prompt: 'x', size: '1024x1024', quality: 'high', n: 2 });
      assert.equal(mini.usage?.output_tokens, 2 * 30);
      const full = await s.client.images.generate({ model: 'gpt-image-1', prompt: 'x', size: '1024x1024', quality: 'high' });
      assert.equal(full.usage?.output_tokens, 4160);

      const stream = await s.client.images.generate({
        model: 'gpt-image-1-mini', prompt: 'x', size: '1024x1024', quality: 'low', stream: true, partial_images: 2,
      });
      let completed = 0;
      for await (const ev of stream) if (ev.type === 'image_generation.completed') completed = ev.usage.output_tokens;
      assert.equal(completed, 10 + 2 * 5, 'the image plus two partials at the model\'s own rates');
      assert.deepEqual(asked, ['gpt-image-1-mini', 'gpt-image-1', 'gpt-image-1-mini']);
    } finally {
      await s.close();
    }
  });
});
