/**
 * One ONNX Runtime session with the little that every pipeline part needs on top: the execution provider choice,
 * input metadata (timestep dtype, fixed vs dynamic batch), float16 <-> float32 conversion at the boundary (many
 * published exports are fp16 end to end), and a running total of time spent inside ORT for the benchmark.
 */
import { availableParallelism } from 'node:os';
import ort from 'onnxruntime-node';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface SessionSettings {
  /** 'cpu' (default) or 'cuda'. CUDA is only tried when asked for; failures fall back to CPU with a warning. */
  provider?: ExecutionProvider;
  /** Threads inside one operator; defaults to the machine's cores (ORT's own default ignores cgroup limits). */
  threads?: number;
}

/** Reads ATELIER_EXECUTION_PROVIDER and ATELIER_THREADS, the documented knobs. */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): SessionSettings {
  const provider = env.ATELIER_EXECUTION_PROVIDER === 'cuda' ? 'cuda' : 'cpu';
  const threads = Number.parseInt(env.ATELIER_THREADS ?? '', 10);
  return { provider, threads: Number.isFinite(threads) && threads > 0 ? threads : undefined };
}

/** Set after the first failed CUDA session so later sessions go straight to the CPU (one warning, not one per part). */
let cudaFailed = false;

/** Wall time spent in session.run, summed across all sessions; the benchmark compares it to total time. */
export const ortClock = { ms: 0, runs: 0 };

export interface TensorInput {
  data: Float32Array | Int32Array | BigInt64Array;
  dims: number[];
}

export interface TensorOutput {
  data: Float32Array;
  dims: number[];
}

interface InputInfo {
  type: string;
  shape: (number | string)[];
}

export class OnnxModel {
  private constructor(
    readonly path: string,
    private readonly session: ort.InferenceSession,
    private readonly inputs: Map<string, InputInfo>,
    readonly outputNames: readonly string[],
  ) {}

  static async load(path: string, settings: SessionSettings = {}): Promise<OnnxModel> {
    const base: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: settings.threads ?? availableParallelism(),
      interOpNumThreads: 1,
      executionMode: 'sequential',
    };
    let session: ort.InferenceSession;
    if (settings.provider === 'cuda' && !cudaFailed) {
      try {
        // ORT's own error log would print the missing-library error too; we print one warning instead.
        session = await ort.InferenceSession.create(path, { ...base, executionProviders: ['cuda', 'cpu'], logSeverityLevel: 4 });
      } catch (err) {
        // CUDA binaries are optional downloads; a CPU session is better than no image.
        cudaFailed = true;
        console.warn(`atelier: CUDA unavailable (${(err as Error).message}); using the CPU`);
        session = await ort.InferenceSession.create(path, { ...base, executionProviders: ['cpu'] });
      }
    } else {
      session = await ort.InferenceSession.create(path, { ...base, executionProviders: ['cpu'] });
    }
    const inputs = new Map<string, InputInfo>();
    for (const meta of session.inputMetadata) {
      if (meta.isTensor) inputs.set(meta.name, { type: meta.type, shape: [...meta.shape] });
    }
    return new OnnxModel(path, session, inputs, session.outputNames);
  }

  hasInput(name: string): boolean {
    return this.inputs.has(name);
  }

  hasOutput(name: string): boolean {
    return this.outputNames.includes(name);
  }

  inputType(name: string): string | undefined {
    return this.inputs.get(name)?.type;
  }

  /** Number of dimensions the graph declares for an input (0 for a scalar). */
  inputRank(name: string): number | undefined {
    return this.inputs.get(name)?.shape.length;
  }

  /** The declared size of one input dimension: a number when fixed, undefined when dynamic. */
  inputDim(name: string, axis: number): number | undefined {
    const d = this.inputs.get(name)?.shape[axis];
    return typeof d === 'number' && d > 0 ? d : undefined;
  }

  /** Runs the graph; float inputs are converted to the declared dtype, float outputs come back as float32. */
  async run(feeds: Record<string, TensorInput>, outputs?: string[]): Promise<Record<string, TensorOutput>> {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, input] of Object.entries(feeds)) {
      const declared = this.inputs.get(name)?.type;
      if (declared === undefined) throw new Error(`${this.path} has no input named ${name}`);
      ortFeeds[name] = toOrtTensor(input, declared);
    }
    const started = performance.now();
    const result = outputs ? await this.session.run(ortFeeds, outputs) : await this.session.run(ortFeeds);
    ortClock.ms += performance.now() - started;
    ortClock.runs++;
    const out: Record<string, TensorOutput> = {};
    for (const [name, value] of Object.entries(result)) {
      // CPU outputs are plain typed arrays owned by JS: taken as they are, no copy (a 512px decode is 3 MB).
      const tensor = value as ort.Tensor;
      out[name] = { data: toFloat32(tensor), dims: [...tensor.dims] };
    }
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}

function toOrtTensor(input: TensorInput, declared: string): ort.Tensor {
  const { data, dims } = input;
  if (data instanceof Float32Array) {
    if (declared === 'float16') return new ort.Tensor('float16', float32ToFloat16(data), dims);
    if (declared === 'int64') return new ort.Tensor('int64', BigInt64Array.from(data, (v) => BigInt(Math.round(v))), dims);
    if (declared === 'int32') return new ort.Tensor('int32', Int32Array.from(data, (v) => Math.round(v)), dims);
    return new ort.Tensor('float32', data, dims);
  }
  if (data instanceof Int32Array) {
    if (declared === 'int64') return new ort.Tensor('int64', BigInt64Array.from(data, (v) => BigInt(v)), dims);
    return new ort.Tensor('int32', data, dims);
  }
  return new ort.Tensor('int64', data, dims);
}

function toFloat32(tensor: ort.Tensor): Float32Array {
  if (tensor.type === 'float32') return tensor.data as Float32Array;
  if (tensor.type === 'float16') return float16ToFloat32(tensor.data as Uint16Array);
  throw new Error(`unexpected ${tensor.type} output from an image model`);
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 half precision with round-to-nearest-even; used where a graph declares float16 inputs. */
export function float32ToFloat16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) {
    f32[0] = src[i];
    const x = u32[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    let e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let half = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const mid = 1 << (shift - 1);
      if (rem > mid || (rem === mid && half & 1)) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (e << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
    e = half;
    out[i] = sign | e;
  }
  return out;
}

export function float16ToFloat32(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0) out[i] = sign * mant * 2 ** -24;
    else if (exp === 0x1f) out[i] = mant ? NaN : sign * Infinity;
    else out[i] = sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return out;
}
