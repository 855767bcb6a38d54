/**
 * An instant Engine for tests (it lives in test/ only; the product never fakes images). It draws a deterministic
 * picture from the seed: a flat background and a shaded disk, at its native size with the requested aspect, emits
 * the requested partial previews, honours the AbortSignal and records every request it got.
 */
import type { Engine, EngineProvider, EngineRequest, EngineResult, EngineTask, ModelEntry } from '../../src/engines/engine.ts';
import type { RawImage } from '../../src/imaging/raw-image.ts';
import { TorchGenerator } from '../../src/diffusion/torch-random.ts';

export interface TestEngineOptions {
  id?: string;
  tasks?: EngineTask[];
  nativeSize?: number;
  /** Milliseconds to "work" per image, checked against the signal. */
  delayMs?: number;
  /** Throw this error after emitting the partials of the first image. */
  failWith?: Error;
}

export function drawPicture(width: number, height: number, seed: number, progress = 1): RawImage {
  const generator = new TorchGenerator(seed); // the product's seeded source: same seed, same picture
  const rand = () => generator.uniformFloat();
  const bg = [rand(), rand(), rand()].map((v) => Math.round(60 + v * 180));
  const fg = [rand(), rand(), rand()].map((v) => Math.round(v * 255));
  const data = new Uint8Array(width * height * 3);
  const cx = width / 2;
  const cy = height / 2;
  const r = Math.min(width, height) * 0.3 * progress;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inside = (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
      const shade = 0.5 + (0.5 * x) / width;
      for (let k = 0; k < 3; k++) data[i + k] = inside ? Math.round(fg[k] * shade) : bg[k];
    }
  }
  return { width, height, channels: 3, data };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });
}

export class TestEngine implements Engine {
  readonly info;
  readonly requests: EngineRequest[] = [];
  aborted = 0;

  constructor(private readonly opts: TestEngineOptions = {}) {
    this.info = {
      id: opts.id ?? 'test-model',
      tasks: opts.tasks ?? (['text-to-image', 'image-to-image', 'inpaint', 'variation'] as EngineTask[]),
      nativeSize: opts.nativeSize ?? 64,
      maxBatch: 4,
    };
  }

  async generate(request: EngineRequest): Promise<EngineResult> {
    this.requests.push(request);
    const native = this.info.nativeSize;
    const scale = native / Math.max(request.width, request.height);
    const w = Math.max(1, Math.round(request.width * scale));
    const h = Math.max(1, Math.round(request.height * scale));
    const images: RawImage[] = [];
    try {
      for (let i = 0; i < request.n; i++) {
        for (let p = 0; p < request.partialImages; p++) {
          await request.onPartial?.({ imageIndex: i, partialIndex: p, image: drawPicture(w, h, request.seed + i, (p + 1) / (request.partialImages + 1)) });
        }
        if (this.opts.failWith) throw this.opts.failWith;
        request.onProgress?.({ step: i + 1, totalSteps: request.n });
        if (this.opts.delayMs) await sleep(this.opts.delayMs, request.signal);
        request.signal.throwIfAborted();
        images.push(drawPicture(w, h, request.seed + i));
      }
    } catch (err) {
      if (request.signal.aborted) this.aborted++;
      throw err;
    }
    return { images };
  }

  async dispose(): Promise<void> {}
}

/** A provider serving the given engines by id. */
export function testProvider(...engines: Engine[]): EngineProvider {
  return {
    async list(): Promise<ModelEntry[]> {
      return engines.map((e) => ({ id: e.info.id, installed: true, description: 'test engine' }));
    },
    async load(id: string): Promise<Engine> {
      const engine = engines.find((e) => e.info.id === id);
      if (!engine) throw new Error(`no test engine ${id}`);
      return engine;
    },
  };
}
