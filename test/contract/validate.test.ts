// The contract tables and validators without a server: defaults per family, form coercion, OpenAI wording.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiError } from '../../src/contract/api-error.ts';
import { quotedList } from '../../src/contract/errors.ts';
import { resolveAutoSize, resolveQuality } from '../../src/contract/size.ts';
import { validateImageParams } from '../../src/contract/validate.ts';

function rejects(fn: () => unknown, param: string, code?: string): ApiError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ApiError, String(err));
    assert.equal(err.param, param, err.message);
    assert.equal(err.status, 400);
    if (code) assert.equal(err.code, code);
    return err;
  }
  assert.fail(`expected a 400 for ${param}`);
}

describe('validateImageParams', () => {
  it('applies OpenAI defaults per family', () => {
    const gpt = validateImageParams('generation-json', { model: 'gpt-image-1', prompt: 'x' });
    assert.deepEqual(
      [gpt.n, gpt.size, gpt.quality, gpt.background, gpt.outputFormat, gpt.outputCompression, gpt.moderation, gpt.responseFormat, gpt.stream, gpt.partialImages],
      [1, 'auto', 'auto', 'auto', 'png', 100, 'auto', 'b64_json', false, 0],
    );
    const d2 = validateImageParams('generation-json', { prompt: 'x' });
    assert.deepEqual([d2.model, d2.size, d2.quality, d2.responseFormat], ['dall-e-2', '1024x1024', 'standard', 'url']);
    const d3 = validateImageParams('generation-json', { model: 'dall-e-3', prompt: 'x' });
    assert.deepEqual([d3.style, d3.quality], ['vivid', 'standard']);
    assert.equal(validateImageParams('edit-form', { prompt: 'x' }).model, 'gpt-image-1.5');
    assert.equal(validateImageParams('variation-form', {}).model, 'dall-e-2');
    assert.equal(validateImageParams('generation-json', { prompt: 'x' }, { defaultModel: 'sd-turbo' }).model, 'sd-turbo');
  });

  it('coerces multipart strings the way the SDKs send them, and only there', () => {
    const form = validateImageParams('edit-form', { prompt: 'x', n: '3', stream: 'true', partial_images: '2', output_compression: '50' });
    assert.deepEqual([form.n, form.stream, form.partialImages, form.outputCompression], [3, true, 2, 50]);
    rejects(() => validateImageParams('generation-json', { prompt: 'x', model: 'gpt-image-1', n: '3' }), 'n', 'invalid_type');
    rejects(() => validateImageParams('edit-form', { prompt: 'x', stream: 'yes' }), 'stream', 'invalid_type');
    rejects(() => validateImageParams('edit-form', { prompt: 'x', n: ['1', '2'] }), 'n', 'invalid_type');
  });

  it('treats null as "use the default"', () => {
    const r = validateImageParams('generation-json', { prompt: 'x', model: 'gpt-image-1', n: null, size: null, quality: null });
    assert.deepEqual([r.n, r.size, r.quality], [1, 'auto', 'auto']);
  });

  it('enforces per-model limits', () => {
    rejects(() => validateImageParams('generation-json', { prompt: 'x'.repeat(4001), model: 'dall-e-3' }), 'prompt', 'string_above_max_length');
    validateImageParams('generation-json', { prompt: 'x'.repeat(32000), model: 'gpt-image-1' });
    rejects(() => validateImageParams('generation-json', { prompt: 'x', model: 'dall-e-2', size: '1792x1024' }), 'size');
    rejects(() => validateImageParams('generation-json', { prompt: 'x', model: 'gpt-image-1', size: '256x256' }), 'size');
    rejects(() => validateImageParams('edit-form', { prompt: 'x', model: 'gpt-image-1-mini', input_fidelity: 'high' }), 'input_fidelity');
    rejects(() => validateImageParams('edit-form', { prompt: 'x', model: 'dall-e-3' }), 'model');
    rejects(() => validateImageParams('edit-json', { prompt: 'x', model: 'dall-e-2', images: [] }), 'model');
    rejects(() => validateImageParams('edit-form', { prompt: 'x', moderation: 'low' }), 'moderation', 'unknown_parameter');
    rejects(() => validateImageParams('generation-json', { prompt: 'x', model: 'gpt-image-1', seed: 2 ** 32 }), 'seed', 'integer_above_max_value');
  });

  it('uses OpenAI wording', () => {
    const e = rejects(() => validateImageParams('generation-json', { prompt: 'x', model: 'dall-e-3', quality: 'high' }), 'quality');
    assert.equal(e.message, "Invalid value: 'high'. Supported values are: 'standard' and 'hd'.");
    assert.equal(quotedList(['a', 'b']), "'a' and 'b'");
    assert.equal(quotedList(['a', 'b', 'c'], 'or'), "'a', 'b', or 'c'");
    const t = rejects(() => validateImageParams('generation-json', { prompt: 5, model: 'gpt-image-1' }), 'prompt', 'invalid_type');
    assert.equal(t.message, "Invalid type for 'prompt': expected a string, but got an integer instead.");
  });
});

describe('auto size and quality', () => {
  it('reads the prompt first, then the first input image, then square', () => {
    assert.equal(resolveAutoSize('a tall portrait').label, '1024x1536');
    assert.equal(resolveAutoSize('a wide landscape').label, '1536x1024');
    assert.equal(resolveAutoSize('a cat', { width: 300, height: 200 }).label, '1536x1024');
    assert.equal(resolveAutoSize('a cat', { width: 200, height: 300 }).label, '1024x1536');
    assert.equal(resolveAutoSize('a cat', { width: 100, height: 105 }).label, '1024x1024');
    assert.equal(resolveAutoSize('portrait', { width: 300, height: 200 }).label, '1024x1536');
    assert.equal(resolveAutoSize('a cat').label, '1024x1024');
  });

  it('maps DALL·E qualities and auto', () => {
    assert.equal(resolveQuality('hd', 'low'), 'high');
    assert.equal(resolveQuality('standard', 'low'), 'medium');
    assert.equal(resolveQuality('auto', 'low'), 'low');
    assert.equal(resolveQuality('high', 'low'), 'high');
  });
});
