// Token rules against the published numbers of reference §5 and the o200k_base vocabulary.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import {
  GPT_IMAGE_1_TOKEN_RULES,
  imageUsage,
  inputImageTokens,
  outputImageTokens,
  textTokens,
  type UsageInput,
} from '../../src/metering/usage.ts';

const base: UsageInput = {
  prompt: '',
  width: 1024,
  height: 1024,
  quality: 'high',
  n: 1,
  partialImages: 0,
  inputImages: [],
  inputFidelity: 'low',
};

test('output tokens: 1024x1024 high is 4160, 1024x1536 low is 408 (reference §5.1)', () => {
  assert.equal(outputImageTokens(1024, 1024, 'high'), 4160);
  assert.equal(outputImageTokens(1024, 1536, 'low'), 408);
  assert.equal(outputImageTokens(1536, 1024, 'medium'), 1568);
  assert.equal(imageUsage({ ...base, width: 1024, height: 1536, quality: 'low' }).output_tokens, 408);
});

test('output tokens of sizes outside the table scale the square count by area', () => {
  assert.equal(outputImageTokens(512, 512, 'high'), 1040);
  assert.equal(outputImageTokens(2048, 2048, 'low'), 272 * 4);
});

test('input image tokens: 512px tiles, 65 + 129 per tile, fidelity extras (reference §5.2)', () => {
  assert.equal(inputImageTokens(1024, 1536, 'low'), 323);
  assert.equal(inputImageTokens(1024, 1024, 'low'), 194);
  assert.equal(inputImageTokens(1024, 1024, 'high'), 194 + 4160);
  assert.equal(inputImageTokens(1024, 1536, 'high'), 323 + 6240);
  // 4096x8192 fits to 1024x2048, shortest side to 512 -> 512x1024 -> 2 tiles.
  assert.equal(inputImageTokens(4096, 8192, 'low'), 65 + 2 * 129);
});

test('text tokens are o200k_base counts', () => {
  // o200k_base ids (cl100k_base would give 9906 for "Hello"): the tokenizer really is o200k.
  assert.deepEqual(encode('Hello, world!'), [13225, 11, 2375, 0]);
  assert.equal(textTokens('Hello, world!'), 4);
  assert.equal(textTokens(''), 0);
  const prompt = 'A photorealistic portrait of a red fox in the snow, golden hour';
  assert.equal(textTokens(prompt), encode(prompt).length);
});

test('usage adds text, input images, n outputs and 100 tokens per partial image', () => {
  const usage = imageUsage({
    ...base,
    prompt: 'Hello, world!',
    n: 2,
    quality: 'medium',
    partialImages: 2,
    inputImages: [{ width: 1024, height: 1536 }, { width: 1024, height: 1024 }],
  });
  assert.deepEqual(usage, {
    input_tokens: 4 + 323 + 194,
    input_tokens_details: { text_tokens: 4, image_tokens: 323 + 194 },
    output_tokens: 2 * (1056 + 200),
    output_tokens_details: { image_tokens: 2 * (1056 + 200), text_tokens: 0 },
    total_tokens: 4 + 323 + 194 + 2 * 1256,
  });
});

test('token rules are configurable per model', () => {
  const rules = {
    ...GPT_IMAGE_1_TOKEN_RULES,
    outputTokens: { '1024x1024': { low: 10, medium: 20, high: 30 } },
    partialImageTokens: 0,
  };
  assert.equal(imageUsage({ ...base, partialImages: 3 }, rules).output_tokens, 30);
  assert.equal(imageUsage({ ...base, partialImages: 3 }).output_tokens, 4160 + 300);
});
