/**
 * Input images of edits and variations: the per-model rules of reference §1.2-1.4 (count, format, squareness, byte
 * size, mask alignment) on top of imaging's safe decoding, and JSON edits' `image_url` data URLs.
 */
import type { Limits } from '../config/config.ts';
import { invalidParam } from '../contract/api-error.ts';
import { arrayTooLong, invalidType, unknownParameter } from '../contract/errors.ts';
import type { ImageRequest, UploadedImage } from '../contract/image-request.ts';
import { decodeUpload, resizeRaw, type DecodedInput } from '../imaging/decode.ts';
import { hasTransparency } from '../imaging/matte.ts';

export const MAX_EDIT_IMAGES = 16;
/** dall-e-2 images and masks: "valid PNG, less than 4MB". */
const DALLE2_MAX_BYTES = 4 * 1024 * 1024;
/** Base64 data URLs in JSON edits: OpenAI's `maxLength`. */
export const MAX_DATA_URL_LENGTH = 20971520;

export interface DecodedInputs {
  inputs: DecodedInput[];
  mask?: DecodedInput;
}

function decodeLimits(limits: Limits): { maxPixels: number; maxSide: number; workingMaxSide: number } {
  return { maxPixels: limits.maxInputPixels, maxSide: limits.maxInputSide, workingMaxSide: 2048 };
}

function checkDalle2(input: DecodedInput, what: string): void {
  const { param } = input.upload;
  if (input.upload.data.length >= DALLE2_MAX_BYTES) {
    throw invalidParam(param, `Invalid ${what} '${param}': dall-e-2 requires a PNG smaller than 4MB.`, 'file_too_large');
  }
  if (input.format !== 'png') {
    throw invalidParam(param, `Invalid ${what} '${param}': dall-e-2 requires a PNG, but got ${input.format.toUpperCase()}.`, 'invalid_image_format');
  }
  if (input.originalWidth !== input.originalHeight) {
    throw invalidParam(
      param,
      `Invalid ${what} '${param}': dall-e-2 requires a square image, but got ${input.originalWidth}x${input.originalHeight}.`,
      'invalid_image_dimensions',
    );
  }
}

/** Decodes and checks images (and the mask) for an edit or variation. */
export async function decodeInputs(
  request: ImageRequest,
  images: UploadedImage[],
  mask: UploadedImage | undefined,
  limits: Limits,
): Promise<DecodedInputs> {
  const imageParam = request.endpoint === 'edit' && images.length > 1 ? 'image[]' : 'image';
  if (images.length === 0) throw invalidParam('image', "Missing required parameter: 'image'.", 'missing_required_parameter');
  const maxImages = request.family === 'gpt-image' ? MAX_EDIT_IMAGES : 1;
  if (images.length > maxImages) throw arrayTooLong(imageParam, maxImages, images.length);
  if (request.endpoint === 'variation' && mask) throw unknownParameter('mask');

  const inputs: DecodedInput[] = [];
  for (const upload of images) {
    const input = await decodeUpload(upload, decodeLimits(limits));
    if (request.family === 'dall-e-2') checkDalle2(input, 'image');
    inputs.push(input);
  }
  if (!mask) {
    // dall-e-2's rule: "If mask is not provided, image must have transparency, which will be used as the mask."
    const first = inputs[0];
    if (request.family === 'dall-e-2' && request.endpoint === 'edit' && first.image.channels === 4 && hasTransparency(first.image)) {
      return { inputs, mask: first };
    }
    return { inputs };
  }

  const decodedMask = await decodeUpload(mask, decodeLimits(limits));
  if (request.family === 'dall-e-2') checkDalle2(decodedMask, 'mask');
  if (decodedMask.format !== 'png') {
    throw invalidParam('mask', `Invalid mask 'mask': the mask must be a PNG, but got ${decodedMask.format.toUpperCase()}.`, 'invalid_image_format');
  }
  if (!decodedMask.hasAlpha) {
    throw invalidParam(
      'mask',
      "Invalid mask 'mask': the mask must have an alpha channel; fully transparent areas (alpha 0) mark where to edit.",
      'invalid_mask',
    );
  }
  const first = inputs[0];
  if (decodedMask.originalWidth !== first.originalWidth || decodedMask.originalHeight !== first.originalHeight) {
    throw invalidParam(
      'mask',
      `Invalid mask 'mask': the mask must have the same dimensions as the first image (${first.originalWidth}x${first.originalHeight}), but it is ${decodedMask.originalWidth}x${decodedMask.originalHeight}.`,
      'invalid_mask',
    );
  }
  // Keep the mask aligned with the (possibly downscaled) first image, as the Engine interface promises.
  const image = await resizeRaw(decodedMask.image, first.image.width, first.image.height);
  return { inputs, mask: { ...decodedMask, image } };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * An ImageRefParam of a JSON edit: exactly one of `image_url` (a base64 data URL here) or `file_id`. Remote URLs are
 * refused: a server that fetches URLs on request can be turned against the network it runs in.
 */
export function imageRefToUpload(ref: unknown, param: string): UploadedImage {
  if (!isRecord(ref)) throw invalidType(param, 'an object', ref);
  for (const key of Object.keys(ref)) {
    if (key !== 'image_url' && key !== 'file_id') throw unknownParameter(`${param}.${key}`);
  }
  if (ref.file_id !== undefined && ref.file_id !== null) {
    throw invalidParam(
      `${param}.file_id`,
      `Invalid '${param}.file_id': Atelier has no Files API; send the image as a base64 data URL in 'image_url'.`,
      'unsupported_parameter',
    );
  }
  const urlParam = `${param}.image_url`;
  const url = ref.image_url;
  if (url === undefined || url === null) throw invalidParam(urlParam, `Missing required parameter: '${urlParam}'.`, 'missing_required_parameter');
  if (typeof url !== 'string') throw invalidType(urlParam, 'a string', url);
  if (url.length > MAX_DATA_URL_LENGTH) {
    throw invalidParam(urlParam, `Invalid '${urlParam}': string too long. Expected a string with maximum length ${MAX_DATA_URL_LENGTH}, but got a string with length ${url.length} instead.`, 'string_above_max_length');
  }
  const m = /^data:([a-z0-9.+/-]*)(;[a-z0-9=.+/-]*)*?;base64,/i.exec(url);
  if (!m) {
    const why = /^https?:/i.test(url)
      ? 'remote image URLs are not fetched by this server; send a base64 data URL (data:image/png;base64,...).'
      : 'expected a base64 data URL (data:image/png;base64,...).';
    throw invalidParam(urlParam, `Invalid '${urlParam}': ${why}`, 'invalid_image_url');
  }
  const payload = url.slice(m[0].length);
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) {
    throw invalidParam(urlParam, `Invalid '${urlParam}': the data URL is not valid base64.`, 'invalid_image_url');
  }
  return { param: urlParam, data: Buffer.from(payload, 'base64'), mimetype: m[1] || 'application/octet-stream', filename: '' };
}
