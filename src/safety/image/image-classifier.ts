/**
 * Image stage: RawImage -> model scores -> verdict under a level's thresholds. Only "sexual" can be detected here:
 * the bundled model knows nudity and pornography, not gore or hate symbols (see docs/moderation.md).
 */
import sharp from 'sharp';
import type { RawImage } from '../../imaging/raw-image.ts';
import { ApiError, invalidParam } from '../../contract/api-error.ts';
import type { ImageThresholds } from '../policy.ts';
import { MODEL_INPUT_SIZE, scorePixels, type NsfwScores } from './nsfw-model.ts';

/** Largest image accepted for moderation: 64 megapixels (gpt-image sizes are at most about 8 megapixels). */
export const MAX_MODERATED_PIXELS = 64 * 1024 * 1024;

/**
 * Input images come from the client, so a bad one is the client's 400. Outputs come from our own engine, so a bad
 * one is our bug: a 500, never blamed on the client.
 */
function checkRawImage(image: RawImage, param: string | null): void {
  try {
    checkShape(image, param ?? 'output');
  } catch (err) {
    if (param !== null || !(err instanceof ApiError)) throw err;
    throw new ApiError({ status: 500, message: `Internal error: the engine produced a malformed image. ${err.message}` });
  }
}

function checkShape(image: RawImage, param: string): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw invalidParam(param, `Invalid image: dimensions must be positive integers, got ${width}x${height}.`);
  }
  if (width * height > MAX_MODERATED_PIXELS) {
    throw invalidParam(param, `Invalid image: ${width}x${height} exceeds the ${MAX_MODERATED_PIXELS} pixel limit.`);
  }
  if (channels !== 3 && channels !== 4) throw invalidParam(param, `Invalid image: expected 3 or 4 channels, got ${channels}.`);
  if (!(data instanceof Uint8Array) || data.length !== width * height * channels) {
    throw invalidParam(param, `Invalid image: expected ${width * height * channels} bytes of pixels, got ${data?.length}.`);
  }
}

function hasTransparency(image: RawImage): boolean {
  if (image.channels !== 4) return false;
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i] !== 255) return true;
  return false;
}

async function toModelInput(image: RawImage, flatten: boolean): Promise<Uint8Array> {
  const buf = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  let pipeline = sharp(buf, { raw: { width: image.width, height: image.height, channels: image.channels } });
  pipeline = flatten ? pipeline.flatten({ background: '#ffffff' }) : pipeline.removeAlpha();
  const out = await pipeline.resize(MODEL_INPUT_SIZE, MODEL_INPUT_SIZE, { fit: 'fill', kernel: 'linear' }).raw().toBuffer();
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Scores an image; `param` names the request field it came from, or null for the engine's own output. With transparency, both what a viewer sees (composited on white) and the raw colour channels
 * (which anyone can reveal by dropping the alpha channel) are scored, and the higher risk of the two is kept.
 */
export async function scoreImage(image: RawImage, param: string | null = 'image'): Promise<NsfwScores> {
  checkRawImage(image, param);
  const raw = await scorePixels(await toModelInput(image, false));
  if (!hasTransparency(image)) return raw;
  const seen = await scorePixels(await toModelInput(image, true));
  return riskOf(seen) > riskOf(raw) ? seen : raw;
}

function riskOf(s: NsfwScores): number {
  return Math.max(s.Porn + s.Hentai, s.Sexy);
}

/** Whether scores cross any threshold; a `null` threshold is disabled. */
export function imageIsBlocked(scores: NsfwScores, t: ImageThresholds): boolean {
  const reaches = (value: number, threshold: number | null) => threshold !== null && value >= threshold;
  return (
    reaches(scores.Porn, t.porn) ||
    reaches(scores.Hentai, t.hentai) ||
    reaches(scores.Sexy, t.sexy) ||
    reaches(scores.Porn + scores.Hentai, t.explicitSum)
  );
}
