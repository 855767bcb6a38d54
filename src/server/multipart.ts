/**
 * Reading a multipart/form-data body into text fields and image files, bounded per file, per request and in count.
 * Any malformed or truncated body is a 400 in OpenAI's envelope; nothing a client sends can make this throw a 500.
 */
import type { FastifyRequest } from 'fastify';
import type { Limits } from '../config/config.ts';
import { ApiError, invalidParam } from '../contract/api-error.ts';
import { arrayTooLong, invalidType, unknownParameter } from '../contract/errors.ts';
import type { UploadedImage } from '../contract/image-request.ts';
import { MAX_EDIT_IMAGES } from './inputs.ts';

export interface FormContent {
  fields: Record<string, string | string[]>;
  images: UploadedImage[];
  mask?: UploadedImage;
}

/** Limits handed to @fastify/multipart (busboy) for every request. */
export function multipartLimits(limits: Limits): Record<string, number> {
  return {
    fileSize: limits.maxFileBytes,
    files: MAX_EDIT_IMAGES + 2,
    fields: 40,
    parts: 60,
    fieldSize: 256 * 1024,
    fieldNameSize: 100,
    headerPairs: 50,
  };
}

function malformed(why: string): ApiError {
  return new ApiError({ status: 400, message: `Invalid multipart/form-data body: ${why}`, param: null, code: 'invalid_multipart_body' });
}

/**
 * @param fileFields the file parameters this endpoint accepts: ["image", "image[]", "mask"] for edits.
 */
export async function readForm(request: FastifyRequest, fileFields: readonly string[], limits: Limits): Promise<FormContent> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  const images: UploadedImage[] = [];
  let mask: UploadedImage | undefined;
  let total = 0;
  let current = '';
  try {
    for await (const part of request.parts()) {
      current = part.fieldname;
      if (part.type === 'field') {
        if (part.fieldnameTruncated || part.valueTruncated) throw invalidParam(part.fieldname, `Invalid '${part.fieldname}': value too long.`, 'string_above_max_length');
        if (fileFields.includes(part.fieldname)) throw invalidType(part.fieldname, 'a file', part.value);
        const value = typeof part.value === 'string' ? part.value : String(part.value);
        const previous = fields[part.fieldname];
        fields[part.fieldname] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
        continue;
      }
      if (!fileFields.includes(part.fieldname)) {
        part.file.resume();
        throw unknownParameter(part.fieldname);
      }
      const data = await part.toBuffer();
      total += data.length;
      if (total > limits.maxTotalUploadBytes) {
        throw invalidParam(part.fieldname, `The uploaded files are larger than ${limits.maxTotalUploadBytes} bytes in total.`, 'request_too_large');
      }
      const isMask = part.fieldname === 'mask';
      if (isMask && mask) throw invalidParam('mask', "Invalid 'mask': only one mask may be sent.", 'invalid_value');
      const param = isMask ? 'mask' : part.fieldname === 'image[]' ? `image[${images.length}]` : 'image';
      const upload: UploadedImage = { param, data, mimetype: part.mimetype ?? '', filename: part.filename ?? '' };
      if (isMask) mask = upload;
      else {
        if (images.length >= MAX_EDIT_IMAGES) throw arrayTooLong('image', MAX_EDIT_IMAGES, images.length + 1);
        images.push(upload);
      }
    }
  } catch (err) {
    if (err instanceof ApiError) throw err;
    throw toMultipartError(err, current, limits);
  }
  // A single file sent as `image[]` is still "image" for error messages.
  if (images.length === 1 && images[0].param === 'image[0]') images[0].param = 'image';
  return { fields, images, mask };
}

function toMultipartError(err: unknown, field: string, limits: Limits): ApiError {
  const code = (err as { code?: string }).code ?? '';
  const message = (err as Error).message ?? String(err);
  if (code === 'FST_REQ_FILE_TOO_LARGE') {
    const mb = Math.round(limits.maxFileBytes / (1024 * 1024));
    return invalidParam(field || 'image', `Invalid file '${field || 'image'}': files must be smaller than ${mb}MB.`, 'file_too_large');
  }
  if (code === 'FST_FILES_LIMIT') return arrayTooLong('image', MAX_EDIT_IMAGES, MAX_EDIT_IMAGES + 1);
  if (code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') return malformed('too many parts.');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return malformed('the request is not multipart/form-data.');
  if (code === 'FST_PROTO_VIOLATION') return malformed('a field name is not allowed.');
  return malformed(message.replace(/\s+/g, ' ').slice(0, 200));
}
