/**
 * The learned half of the text classifier: a multi-label logistic regression over hashed n-gram features
 * (features.ts), trained by scripts/train-text-moderation.ts and shipped as model/text-moderation.bin.
 *
 * Heads: one per category for "unsafe in this category at any tier" (used at `auto`), and one per category for
 * "severe in this category" (used at `low`, which lets mature content through). sexual/minors is always severe, so it
 * has one head.
 *
 * File format (little-endian), small enough to commit and read in one go at startup:
 *   "ATXM" | u32 version | u32 header bytes | JSON header | zero padding to 4 bytes
 *   | u32 bucket[nnz] (ascending) | i8 weight[nnz * heads] (row per bucket)
 * Weights are stored companded: w = sign(q) * (|q| / 127)^2 * scale[head], which keeps the many small weights
 * distinguishable where plain 8-bit steps would round them to zero.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MODERATION_CATEGORIES, type ModerationCategory } from '../categories.ts';
import { type FeatureConfig, type SparseVector, primaryReading, readingFeatures } from './features.ts';

export interface ModelHead {
  category: ModerationCategory;
  /** true: fires only for severe content of the category (the `low` head); false: any tier (the `auto` head). */
  severe: boolean;
}

/** The heads in file order. */
export const MODEL_HEADS: readonly ModelHead[] = MODERATION_CATEGORIES.flatMap((category): ModelHead[] =>
  category === 'sexual/minors' ? [{ category, severe: true }] : [{ category, severe: false }, { category, severe: true }],
);

export function headName(h: ModelHead): string {
  return h.severe && h.category !== 'sexual/minors' ? `${h.category}#severe` : h.category;
}

/** What the training script records about a model; printed by tools, checked by tests. */
export interface ModelHeader {
  version: 1;
  features: FeatureConfig;
  heads: string[];
  nnz: number;
  scales: number[];
  biases: number[];
  /** Free-form training facts (data counts, hyper-parameters, cross-validated numbers and thresholds). */
  training: Record<string, unknown>;
}

/** Scores per category, probabilities in [0, 1]. */
export interface ModelScores {
  /** Unsafe at any tier ("auto" heads). */
  any: Record<ModerationCategory, number>;
  /** Severe ("low" heads; sexual/minors shares its one head). */
  severe: Record<ModerationCategory, number>;
}

const MAGIC = 'ATXM';

export class TextModel {
  private readonly rows = new Map<number, number>();
  private readonly decode: Float32Array[];

  constructor(
    readonly header: ModelHeader,
    buckets: Uint32Array,
    private readonly weights: Int8Array,
  ) {
    if (header.heads.join(',') !== MODEL_HEADS.map(headName).join(',')) {
      throw new Error(`text model heads [${header.heads}] do not match this code's [${MODEL_HEADS.map(headName)}]`);
    }
    for (let i = 0; i < buckets.length; i++) this.rows.set(buckets[i], i);
    // One 256-entry table per head turns a stored byte into its weight without a multiply per feature.
    this.decode = header.scales.map((scale) => {
      const table = new Float32Array(256);
      for (let q = -128; q <= 127; q++) table[q & 0xff] = Math.sign(q) * (Math.abs(q) / 127) ** 2 * scale;
      return table;
    });
  }

  /** Raw logits for a feature vector, one per head. */
  logits(x: SparseVector): Float64Array {
    const heads = MODEL_HEADS.length;
    const z = Float64Array.from(this.header.biases);
    for (let k = 0; k < x.index.length; k++) {
      const row = this.rows.get(x.index[k]);
      if (row === undefined) continue;
      const v = x.value[k];
      const base = row * heads;
      for (let h = 0; h < heads; h++) z[h] += v * this.decode[h][this.weights[base + h] & 0xff];
    }
    return z;
  }

  score(text: string): ModelScores {
    return this.scoreReading(primaryReading(text));
  }

  /** The same scores from the prompt's primary reading (features.primaryReading), without normalizing it again. */
  scoreReading(reading: string): ModelScores {
    return toScores(this.logits(readingFeatures(reading, this.header.features)));
  }
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Logits (in MODEL_HEADS order) to per-category probabilities. */
export function toScores(z: ArrayLike<number>): ModelScores {
  const any = {} as Record<ModerationCategory, number>;
  const severe = {} as Record<ModerationCategory, number>;
  MODEL_HEADS.forEach((h, i) => {
    const p = sigmoid(z[i]);
    if (!h.severe || h.category === 'sexual/minors') any[h.category] = p;
    if (h.severe) severe[h.category] = p;
  });
  return { any, severe };
}

/** Quantizes float weights (row per bucket, MODEL_HEADS order) into the file format. */
export function encodeModel(
  features: FeatureConfig,
  buckets: Uint32Array,
  weights: Float32Array,
  biases: number[],
  training: Record<string, unknown>,
): Buffer {
  const heads = MODEL_HEADS.length;
  const scales = MODEL_HEADS.map((_, h) => {
    let max = 0;
    for (let i = h; i < weights.length; i += heads) max = Math.max(max, Math.abs(weights[i]));
    return max || 1;
  });
  const q = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const r = Math.abs(weights[i]) / scales[i % heads];
    q[i] = Math.sign(weights[i]) * Math.round(Math.sqrt(r) * 127);
  }
  const header: ModelHeader = {
    version: 1, features, heads: MODEL_HEADS.map(headName), nnz: buckets.length, scales, biases, training,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((12 + json.length) % 4)) % 4;
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(1, 4);
  prefix.writeUInt32LE(json.length, 8);
  return Buffer.concat([
    prefix, json, Buffer.alloc(pad),
    Buffer.from(buckets.buffer, buckets.byteOffset, buckets.byteLength),
    Buffer.from(q.buffer, q.byteOffset, q.byteLength),
  ]);
}

export function decodeModel(file: Buffer): TextModel {
  if (file.length < 12 || file.toString('latin1', 0, 4) !== MAGIC) throw new Error('not an Atelier text model (bad magic)');
  const version = file.readUInt32LE(4);
  if (version !== 1) throw new Error(`unsupported text model version ${version}`);
  const headerBytes = file.readUInt32LE(8);
  const header = JSON.parse(file.toString('utf8', 12, 12 + headerBytes)) as ModelHeader;
  const start = 12 + headerBytes + ((4 - ((12 + headerBytes) % 4)) % 4);
  const heads = MODEL_HEADS.length;
  const expected = start + header.nnz * 4 + header.nnz * heads;
  if (file.length !== expected) throw new Error(`text model is ${file.length} bytes, expected ${expected} (truncated?)`);
  // Copy into aligned arrays: a Buffer from readFileSync may share a pool and start at any offset.
  const buckets = new Uint32Array(header.nnz);
  for (let i = 0; i < header.nnz; i++) buckets[i] = file.readUInt32LE(start + i * 4);
  const wStart = start + header.nnz * 4;
  const weights = new Int8Array(file.buffer.slice(file.byteOffset + wStart, file.byteOffset + wStart + header.nnz * heads));
  return new TextModel(header, buckets, weights);
}

/** Where the shipped weights live. */
export const MODEL_PATH = fileURLToPath(new URL('./model/text-moderation.bin', import.meta.url));

let shipped: TextModel | null = null;

/**
 * The shipped model, read once (about a megabyte, a few milliseconds) and kept. A missing or damaged file throws:
 * moderation must not quietly fall back to rules alone.
 */
export function textModel(): TextModel {
  shipped ??= decodeModel(readFileSync(MODEL_PATH));
  return shipped;
}
