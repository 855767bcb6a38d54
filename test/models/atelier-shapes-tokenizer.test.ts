/**
 * The engine's CLIP tokenizer must encode captions to exactly the ids the built-in model was trained on (written by
 * models/atelier-shapes/training/make_fixtures.py from the Python tokenizer), unknown words and punctuation included.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ClipTokenizer } from '../../src/diffusion/clip-tokenizer.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const cases = JSON.parse(readFileSync(join(HERE, 'fixtures', 'shapes-token-ids.json'), 'utf8')) as { text: string; ids: number[] }[];

test('engine tokenizer = training tokenizer on the built-in model vocabulary', async () => {
  const tok = await ClipTokenizer.fromFolder(join(HERE, '..', '..', 'models', 'atelier-shapes', 'tokenizer'));
  assert.ok(cases.length >= 5);
  for (const c of cases) assert.deepEqual(tok.encodeChunks(c.text)[0], c.ids, c.text);
});
