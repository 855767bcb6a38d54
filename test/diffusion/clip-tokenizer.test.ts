import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClipTokenizer, CLIP_WINDOW, MAX_PROMPT_CHUNKS } from '../../src/diffusion/clip-tokenizer.ts';

const models = join(import.meta.dirname, '..', 'fixtures', 'models');
// Expected ids come from a Python port of OpenAI CLIP's simple_tokenizer.py (scripts/fixtures/make_tiny_models.py).
const reference = JSON.parse(readFileSync(join(models, 'clip-tokenizer-cases.json'), 'utf8')) as {
  bos: number;
  eos: number;
  cases: { text: string; ids: number[] }[];
};

test('ids match the reference CLIP tokenizer, non-Latin scripts and emoji included', async () => {
  const tok = await ClipTokenizer.fromFolder(join(models, 'tiny-sd', 'tokenizer'));
  assert.equal(tok.bosId, reference.bos);
  assert.equal(tok.eosId, reference.eos);
  for (const c of reference.cases) assert.deepEqual(tok.encode(c.text), c.ids, c.text);
  // Sanity that the cases exercise multi-byte text: Cyrillic and CJK become several byte symbols each.
  assert.ok(tok.encode('富士山').length >= 3);
  // Without ftfy, transformers' CLIPTokenizer makes every CJK ideograph a word of its own; kana are not split.
  assert.deepEqual(tok.encode('富士山'), [...tok.encode('富'), ...tok.encode('士'), ...tok.encode('山')]);
  assert.notDeepEqual(tok.encode('さくら'), [...tok.encode('さ'), ...tok.encode('く'), ...tok.encode('ら')]);
  assert.deepEqual(tok.encode('a\u200bb\u0007c'), tok.encode('abc'), 'format/control characters dropped');
});

test('a tiny hand-made vocabulary merges by rank, lower-cases and splits contractions', () => {
  const vocab: Record<string, number> = { '<|startoftext|>': 0, '<|endoftext|>': 1, '!': 2 };
  const add = (t: string) => (vocab[t] = Object.keys(vocab).length);
  for (const t of ['c', 'a', 't</w>', 's</w>', "'", 'ca', 'cat</w>', "'s</w>", 'ca', 't']) if (!(t in vocab)) add(t);
  const tok = new ClipTokenizer({ vocab, merges: ['c a', 'ca t</w>', "' s</w>"], padToken: '!' });
  assert.deepEqual(tok.encode("CAT's"), [vocab['cat</w>'], vocab["'s</w>"]]);
  assert.deepEqual(tok.encode('cats'), [vocab['ca'], vocab['t'], vocab['s</w>']]);
});

test('SD 2.x pads with "!" (id 0 in the real vocab), SD 1.x with <|endoftext|>', async () => {
  const sd2 = await ClipTokenizer.fromFolder(join(models, 'tiny-sd', 'tokenizer'));
  const sd1 = await ClipTokenizer.fromFolder(join(models, 'tiny-lcm', 'tokenizer'));
  const ids = sd2.encode('a fox');
  const [w2] = sd2.encodeChunks('a fox');
  const [w1] = sd1.encodeChunks('a fox');
  assert.equal(w2.length, CLIP_WINDOW);
  assert.deepEqual(w2.slice(0, ids.length + 2), [reference.bos, ...ids, reference.eos]);
  assert.equal(sd2.padId, 0);
  assert.ok(w2.slice(ids.length + 2).every((id) => id === 0));
  assert.equal(sd1.padId, reference.eos);
  assert.ok(w1.slice(ids.length + 2).every((id) => id === reference.eos));
});

test('long prompts become 77-token windows of 75 tokens each, capped', async () => {
  const tok = await ClipTokenizer.fromFolder(join(models, 'tiny-sd', 'tokenizer'));
  const long = reference.cases[reference.cases.length - 1];
  assert.ok(long.ids.length > 75, 'the reference long prompt is longer than one window');
  const chunks = tok.encodeChunks(long.text);
  assert.equal(chunks.length, Math.ceil(long.ids.length / 75));
  assert.deepEqual(chunks.flatMap((c) => c.slice(1, 76)).filter((id) => id !== tok.padId && id !== tok.eosId),
    long.ids.filter((id) => id !== tok.padId));
  for (const c of chunks) {
    assert.equal(c.length, CLIP_WINDOW);
    assert.equal(c[0], tok.bosId);
  }
  assert.equal(tok.encodeChunks('', 3).length, 3, 'negative prompt padded to the positive chunk count');
  assert.equal(tok.encodeChunks('fox '.repeat(2000)).length, MAX_PROMPT_CHUNKS);
});
