/**
 * From engine pixels to the file the client asked for: resize to the requested size with lanczos3 (cropping to the
 * aspect, never stretching), apply the background rule, encode png/jpeg/webp with output_compression.
 */
import sharp from 'sharp';
import { hasTransparency, matteFromBorder } from './matte.ts';
import type { RawImage } from './raw-image.ts';
import type { ImageFormat } from './sniff.ts';

export interface EncodeOptions {
  width: number;
  height: number;
  format: ImageFormat;
  /** 0..100: the quality of lossy encodings (jpeg, webp); png is lossless and ignores it. */
  compression: number;
  background: 'transparent' | 'opaque' | 'auto';
}

export interface EncodedImage {
  data: Buffer;
  format: ImageFormat;
  /** The background actually produced. */
  background: 'transparent' | 'opaque';
  width: number;
  height: number;
}

/** Decides the background and returns the pixels to encode (RGBA when transparent). */
function applyBackground(image: RawImage, opts: EncodeOptions): { pixels: RawImage; transparent: boolean } {
  const canAlpha = opts.format !== 'jpeg';
  if (opts.background === 'transparent' && canAlpha) {
    return { pixels: hasTransparency(image) ? image : matteFromBorder(image), transparent: true };
  }
  if (opts.background === 'auto' && canAlpha && hasTransparency(image)) return { pixels: image, transparent: true };
  return { pixels: image, transparent: false };
}

export async function encodeImage(image: RawImage, opts: EncodeOptions): Promise<EncodedImage> {
  const { pixels, transparent } = applyBackground(image, opts);
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
  };
}
