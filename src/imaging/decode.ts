/**
 * Turning an uploaded file into a RawImage safely: content type and magic bytes are checked, the pixel size is read
 * from the header and bounded before any decoding (decompression bombs stop there), and truncated or corrupt files
 * are a 400 naming the parameter. Large inputs are scaled to a working size; the original size is kept for usage.
 */
import sharp, { type Metadata } from 'sharp';
import { ApiError, invalidParam } from '../contract/api-error.ts';
import type { UploadedImage } from '../contract/image-request.ts';
import type { RawImage } from './raw-image.ts';
import { sniffFormat, type ImageFormat } from './sniff.ts';

export interface DecodeLimits {
  maxPixels: number;
  maxSide: number;
  /** Inputs larger than this (longest side) are downscaled after decoding; engines render far smaller anyway. */
  workingMaxSide: number;
}

export interface DecodedInput {
  image: RawImage;
  originalWidth: number;
  originalHeight: number;
  format: ImageFormat;
  /** True when the file carries an alpha channel. */
  hasAlpha: boolean;
  upload: UploadedImage;
}

const SUPPORTED_MIME = ['image/jpeg', 'image/png', 'image/webp'];
const EXTENSION_FORMAT: Record<string, ImageFormat> = { png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp' };

/**
 * OpenAI checks each part's declared content type. Atelier does too, but also accepts a generic
 * `application/octet-stream` (what the SDK sends for a bare stream) when the file name has an image extension.
 */
export function checkMimetype(upload: UploadedImage): void {
  const mime = upload.mimetype.toLowerCase().split(';')[0].trim();
  if (SUPPORTED_MIME.includes(mime)) return;
  const ext = /\.([a-z0-9]+)$/i.exec(upload.filename)?.[1]?.toLowerCase() ?? '';
  if ((mime === 'application/octet-stream' || mime === '') && ext in EXTENSION_FORMAT) return;
  throw invalidParam(
    upload.param,
    `Invalid file '${upload.param}': unsupported mimetype ('${mime || 'none'}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`,
    'unsupported_file_mimetype',
  );
}

function invalidImage(param: string, why: string): ApiError {
  return invalidParam(param, `Invalid image file '${param}': ${why}`, 'invalid_image_file');
}

export async function decodeUpload(upload: UploadedImage, limits: DecodeLimits): Promise<DecodedInput> {
  checkMimetype(upload);
  const format = sniffFormat(upload.data);
  if (!format) throw invalidImage(upload.param, 'the data is not a PNG, JPEG or WebP image.');
  let meta: Metadata;
  try {
    meta = await sharp(upload.data, { limitInputPixels: false }).metadata();
  } catch {
    throw invalidImage(upload.param, `the ${format.toUpperCase()} data could not be read.`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  if (width < 1 || height < 1) throw invalidImage(upload.param, 'the image has no pixels.');
  if (width * height > limits.maxPixels || Math.max(width, height) > limits.maxSide) {
    throw new ApiError({
      status: 400,
      message: `Invalid image file '${upload.param}': ${width}x${height} is larger than this server accepts (at most ${limits.maxPixels} pixels and ${limits.maxSide} pixels per side).`,
      param: upload.param,
      code: 'image_too_large',
    });
  }
  const hasAlpha = meta.hasAlpha === true;
  try {
    let pipeline = sharp(upload.data, { limitInputPixels: limits.maxPixels, failOn: 'error' }).rotate();
    if (Math.max(width, height) > limits.workingMaxSide) {
      pipeline = pipeline.resize(limits.workingMaxSide, limits.workingMaxSide, { fit: 'inside', kernel: 'lanczos3' });
    }
    pipeline = pipeline.toColourspace('srgb');
    pipeline = hasAlpha ? pipeline.ensureAlpha() : pipeline.removeAlpha();
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    const image: RawImage = {
      width: info.width,
      height: info.height,
      channels: info.channels === 4 ? 4 : 3,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
    return { image, originalWidth: width, originalHeight: height, format, hasAlpha, upload };
  } catch {
    throw invalidImage(upload.param, `the ${format.toUpperCase()} data is truncated or corrupt.`);
  }
}

/** Scales an image to exactly width x height (used to keep a mask aligned with the first image). */
export async function resizeRaw(image: RawImage, width: number, height: number): Promise<RawImage> {
  if (image.width === width && image.height === height) return image;
  const { data, info } = await sharp(image.data, {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels === 4 ? 4 : 3,
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  };
}
