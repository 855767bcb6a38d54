/** Building ImagesResponse bodies and stream events from a finished job, per model family (reference §2, §3). */
import type { ImageRequest } from '../contract/image-request.ts';
import type { CompletedEvent, ImageDatum, ImagesResponse, PartialImageEvent } from '../contract/responses.ts';
import { toStreamUsage } from '../contract/responses.ts';
import type { EncodedImage } from '../imaging/encode.ts';
import { MIME_OF } from '../imaging/sniff.ts';
import type { ImageUsage } from '../metering/usage.ts';
import type { ImageStore } from './image-store.ts';
import type { JobOutcome } from './image-pipeline.ts';

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

export function buildImagesResponse(
  request: ImageRequest,
  outcome: JobOutcome,
  store: ImageStore,
  baseUrl: string,
): ImagesResponse {
  const data: ImageDatum[] = outcome.images.map((image) => {
    const datum: ImageDatum = {};
    if (request.responseFormat === 'url') {
      const name = store.put(image.data, image.format, MIME_OF[image.format]);
      datum.url = `${baseUrl}/v1/images/files/${name}`;
    } else {
      datum.b64_json = image.data.toString('base64');
    }
    // Atelier does not rewrite prompts; dall-e-3 clients still get the field, holding the prompt that was used.
    if (request.family === 'dall-e-3') datum.revised_prompt = request.prompt;
    return datum;
  });
  const body: ImagesResponse = { created: unixNow(), data };
  if (request.family === 'gpt-image') {
    body.background = outcome.background;
    body.output_format = request.outputFormat;
    body.quality = outcome.quality;
    body.size = outcome.size.label;
    body.usage = outcome.usage;
  }
  return body;
}

type Prefix = 'image_generation' | 'image_edit';

export function eventPrefix(request: ImageRequest): Prefix {
  return request.endpoint === 'edit' ? 'image_edit' : 'image_generation';
}

/** Events echo the requested settings ("auto" stays "auto"), as the OpenAPI event schemas describe. */
function requestedSettings(request: ImageRequest): Pick<PartialImageEvent, 'size' | 'quality' | 'background' | 'output_format'> {
  return { size: request.size, quality: request.quality, background: request.background, output_format: request.outputFormat };
}

export function partialEvent(request: ImageRequest, image: EncodedImage, partialIndex: number): PartialImageEvent {
  return {
    type: `${eventPrefix(request)}.partial_image`,
    b64_json: image.data.toString('base64'),
    created_at: unixNow(),
    ...requestedSettings(request),
    partial_image_index: partialIndex,
  };
}

export function completedEvent(request: ImageRequest, image: EncodedImage, usage: ImageUsage): CompletedEvent {
  return {
    type: `${eventPrefix(request)}.completed`,
    b64_json: image.data.toString('base64'),
    created_at: unixNow(),
    ...requestedSettings(request),
    usage: toStreamUsage(usage),
  };
}
