// Prices of reference §5.3 and the per-model catalog.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMeteringConfig, ModelCatalog } from '../../src/metering/model-catalog.ts';
import { costOf, DEFAULT_PRICES, nanoToUsd } from '../../src/metering/price-table.ts';
import { imageUsage, type UsageQuality } from '../../src/metering/usage.ts';

function squareCost(model: string, quality: UsageQuality): number {
  const usage = imageUsage({
    prompt: '',
    width: 1024,
    height: 1024,
    quality,
    n: 1,
    partialImages: 0,
    inputImages: [],
    inputFidelity: 'low',
  });
  return nanoToUsd(costOf(usage, new ModelCatalog().lookup(model).price).total);
}

test('gpt-image-1 square low/medium/high output costs $0.01088 / $0.04224 / $0.1664', () => {
  assert.equal(squareCost('gpt-image-1', 'low'), 0.01088);
  assert.equal(squareCost('gpt-image-1', 'medium'), 0.04224);
  assert.equal(squareCost('gpt-image-1', 'high'), 0.1664);
});

test('gpt-image-1.5 and -mini use their own prices', () => {
  assert.equal(squareCost('gpt-image-1.5', 'high'), 0.13312);
  assert.equal(squareCost('gpt-image-1-mini', 'low'), 0.002176);
});

test('cost splits by line item: $5/M text in, $10/M image in, $40/M image out', () => {
  const cost = costOf(
    {
      input_tokens: 1_000_100,
      input_tokens_details: { text_tokens: 100, image_tokens: 1_000_000 },
      output_tokens: 4160,
      output_tokens_details: { image_tokens: 4160, text_tokens: 0 },
      total_tokens: 1_004_260,
    },
    DEFAULT_PRICES['gpt-image-1'],
  );
  assert.deepEqual(cost, { textInput: 500_000, imageInput: 10_000_000_000, imageOutput: 166_400_000, textOutput: 0, total: 10_166_900_000 });
});

test('local models bill as gpt-image-1 unless configured', () => {
  const catalog = new ModelCatalog({ 'atelier-shapes': { price: { imageOutput: 1 } } });
  assert.deepEqual(catalog.lookup('some-local-model').price, DEFAULT_PRICES['gpt-image-1']);
  assert.equal(catalog.lookup('atelier-shapes').price.imageOutput, 1);
  assert.equal(catalog.lookup('atelier-shapes').price.textInput, 5);
  const wild = new ModelCatalog({ '*': { price: { imageOutput: 2 } } });
  assert.equal(wild.lookup('local').price.imageOutput, 2);
  assert.equal(wild.lookup('gpt-image-1').price.imageOutput, 40);
});

test('a bad price or config file is refused with a clear message', () => {
  assert.throws(() => new ModelCatalog({ m: { price: { imageOutput: -1 } } }), /imageOutput.*of model 'm'/);
  const home = mkdtempSync(join(tmpdir(), 'atelier-metering-'));
  writeFileSync(join(home, 'metering.json'), '{ nope');
  assert.throws(() => loadMeteringConfig(home), /not valid JSON/);
  writeFileSync(join(home, 'metering.json'), JSON.stringify({ models: { x: { price: { textInput: 1 } } } }));
  assert.equal(loadMeteringConfig(home).models?.x.price?.textInput, 1);
});

test('token rule overrides are validated', () => {
  assert.throws(() => new ModelCatalog({ m: { tokens: { partialImageTokens: -1 } } }), /partialImageTokens/);
  assert.throws(() => new ModelCatalog({ m: { tokens: { outputTokens: { big: { low: 1, medium: 2, high: 3 } } } } }), /not WxH/);
  assert.throws(
    () => new ModelCatalog({ m: { tokens: { outputTokens: { '64x64': { low: 1, medium: 2 } as never } } } }),
    /outputTokens\.64x64\.high/,
  );
  const ok = new ModelCatalog({ m: { tokens: { outputTokens: { '512x512': { low: 1, medium: 2, high: 3 } } } } });
  assert.equal(ok.lookup('m').tokens.outputTokens['512x512'].high, 3);
});
