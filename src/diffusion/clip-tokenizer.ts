/**
 * CLIP's byte-level BPE tokenizer (OpenAI CLIP simple_tokenizer.py / transformers CLIPTokenizer), read from a
 * model's tokenizer/{vocab.json, merges.txt, special_tokens_map.json}. Exact ids matter: the text encoder was trained
 * on them, and a wrong id silently changes the picture.
 *
 * Text cleaning follows transformers' CLIPTokenizer as diffusers users run it (without the optional ftfy package, so
 * BERT's BasicTokenizer cleans first): Unicode NFC, control and format characters dropped, each CJK ideograph made a
 * word of its own, whitespace collapsed, lower-cased. Prompts longer than one
 * 77-token window are split into chunks of 75 tokens, each wrapped in BOS/EOS and padded, so the text encoder sees
 * every word (the "long prompt" method of diffusers.js / A1111); the pipeline concatenates the chunk embeddings.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** The window a CLIP text encoder was trained on: BOS + 75 tokens + EOS. */
export const CLIP_WINDOW = 77;
/** Upper bound on chunks so a 32k-character prompt cannot blow up memory; later tokens are dropped (documented). */
export const MAX_PROMPT_CHUNKS = 4;

// CLIP's own pre-tokenizer pattern (simple_tokenizer.py), case-insensitive, Unicode-aware.
const PRE_TOKEN = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

/** GPT-2/CLIP's reversible byte -> printable-character table, so BPE never sees raw control bytes. */
function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const table: string[] = new Array<string>(256);
  for (const b of bs) table[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCodePoint(256 + n++);
  }
  return table;
}

const BYTE_TABLE = bytesToUnicode();

// BERT's _is_chinese_char ranges (CJK Unified Ideographs and extensions, compatibility ideographs).
const CJK_IDEOGRAPH = /[\u{4E00}-\u{9FFF}\u{3400}-\u{4DBF}\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B820}-\u{2CEAF}\u{F900}-\u{FAFF}\u{2F800}-\u{2FA1F}]/gu;
// Control (Cc) and format (Cf) characters other than tab/newline/CR, NUL and U+FFFD are dropped by _clean_text.
const DROPPED = /[\u0000\uFFFD]|(?![\t\n\r])[\p{Cc}\p{Cf}]/gu;

/** The text cleaning of transformers' CLIPTokenizer without ftfy (see the module comment). */
export function cleanPrompt(text: string): string {
  return text
    .normalize('NFC')
    .replace(DROPPED, '')
    .replace(CJK_IDEOGRAPH, (ch) => ` ${ch} `)
    .replace(/\s+/gu, ' ')
    .trim()
    .toLowerCase();
}
const utf8 = new TextEncoder();

export interface ClipTokenizerFiles {
  vocab: Record<string, number>;
  /** merges.txt lines after the "#version" header, e.g. "t h". */
  merges: string[];
  /** The pad token's text: SD 1.x pads with "<|endoftext|>", SD 2.x with "!" (id 0). */
  padToken: string;
}

export class ClipTokenizer {
  readonly bosId: number;
  readonly eosId: number;
  readonly padId: number;
  private readonly vocab: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, string[]>();

  constructor(files: ClipTokenizerFiles) {
    this.vocab = new Map(Object.entries(files.vocab));
    this.ranks = new Map();
    files.merges.forEach((line, rank) => {
      const parts = line.split(' ');
      if (parts.length === 2) this.ranks.set(`${parts[0]} ${parts[1]}`, rank);
    });
    this.bosId = this.requireId('<|startoftext|>');
    this.eosId = this.requireId('<|endoftext|>');
    this.padId = this.requireId(files.padToken);
  }

  /** Reads a diffusers `tokenizer/` folder. */
  static async fromFolder(dir: string): Promise<ClipTokenizer> {
    const [vocabText, mergesText] = await Promise.all([
      readFile(join(dir, 'vocab.json'), 'utf8'),
      readFile(join(dir, 'merges.txt'), 'utf8'),
    ]);
    const padToken = await readPadToken(dir);
    const merges = mergesText.split('\n').filter((l) => l.length > 0 && !l.startsWith('#version'));
    return new ClipTokenizer({ vocab: JSON.parse(vocabText) as Record<string, number>, merges, padToken });
  }

  /** Token ids of the text, without BOS/EOS or padding. */
  encode(text: string): number[] {
    const clean = cleanPrompt(text);
    const ids: number[] = [];
    for (const match of clean.matchAll(PRE_TOKEN)) {
      const piece = match[0];
      if (piece === '<|startoftext|>' || piece === '<|endoftext|>') {
        ids.push(this.requireId(piece));
        continue;
      }
      let mapped = '';
      for (const byte of utf8.encode(piece)) mapped += BYTE_TABLE[byte];
      for (const token of this.bpe(mapped)) {
        const id = this.vocab.get(token);
        // Every single byte symbol is in a CLIP vocabulary, so this only trips on a damaged vocab.json.
        if (id === undefined) throw new Error(`CLIP vocabulary has no entry for ${JSON.stringify(token)}`);
        ids.push(id);
      }
    }
    return ids;
  }

  /**
   * The prompt as windows of exactly 77 ids (BOS, up to 75 tokens, EOS, padding). An empty prompt gives one window,
   * which is what the unconditional (negative) embedding is made from. `minChunks` pads with empty windows so the
   * negative prompt lines up with a long positive one.
   */
  encodeChunks(text: string, minChunks = 1): number[][] {
    const ids = this.encode(text);
    const body = CLIP_WINDOW - 2;
    const count = Math.min(MAX_PROMPT_CHUNKS, Math.max(minChunks, Math.ceil(ids.length / body), 1));
    const chunks: number[][] = [];
    for (let c = 0; c < count; c++) {
      const part = ids.slice(c * body, (c + 1) * body);
      const window = [this.bosId, ...part, this.eosId];
      while (window.length < CLIP_WINDOW) window.push(this.padId);
      chunks.push(window);
    }
    return chunks;
  }

  private requireId(token: string): number {
    const id = this.vocab.get(token);
    if (id === undefined) throw new Error(`CLIP vocabulary lacks the special token ${token}`);
    return id;
  }

  /** Byte-pair merging of one pre-token, lowest-rank pair first, exactly as simple_tokenizer.bpe. */
  private bpe(token: string): string[] {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const chars = Array.from(token);
    let word = [...chars.slice(0, -1), `${chars[chars.length - 1]}</w>`];
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const rank = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      const first = word[best];
      const second = word[best + 1];
      const merged: string[] = [];
      for (let i = 0; i < word.length; i++) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          merged.push(first + second);
          i++;
        } else {
          merged.push(word[i]);
        }
      }
      word = merged;
    }
    if (this.cache.size < 10_000) this.cache.set(token, word);
    return word;
  }
}

async function readPadToken(dir: string): Promise<string> {
  for (const file of ['special_tokens_map.json', 'tokenizer_config.json']) {
    try {
      const json = JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, unknown>;
      const pad = json.pad_token;
      if (typeof pad === 'string') return pad;
      if (pad && typeof pad === 'object' && typeof (pad as { content?: unknown }).content === 'string') {
        return (pad as { content: string }).content;
      }
    } catch {
      // Missing or unreadable file: fall through to the next source, then to CLIP's original padding.
    }
  }
  return '<|endoftext|>';
}
