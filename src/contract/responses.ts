/**
 * The response and event shapes of the Images API (reference §2, §3, §7), field for field. The server builds only
 * these; tests validate them against the OpenAPI document.
 */
import type { ImageUsage } from '../metering/usage.ts';

export interface ImageDatum {
  b64_json?: string;
  url?: string;
  /** dall-e-3 only. */
  revised_prompt?: string;
}

export interface ImagesResponse {
  created: number;
  data: ImageDatum[];
  /** GPT image models only: the resolved values. */
  background?: 'transparent' | 'opaque';
  output_format?: 'png' | 'webp' | 'jpeg';
  quality?: 'low' | 'medium' | 'high';
  size?: string;
  usage?: ImageUsage;
}

/** ImagesUsage as used in stream events: no output_tokens_details. */
export interface StreamUsage {
  total_tokens: number;
  input_tokens: number;
  output_tokens: number;
  input_tokens_details: { text_tokens: number; image_tokens: number };
}

type EventPrefix = 'image_generation' | 'image_edit';

interface StreamEventBase {
  b64_json: string;
  created_at: number;
  /** The requested settings (events echo the request, which may be "auto"). */
  size: string;
  quality: string;
  background: 'transparent' | 'opaque' | 'auto';
  output_format: 'png' | 'webp' | 'jpeg';
}

export interface PartialImageEvent extends StreamEventBase {
  type: `${EventPrefix}.partial_image`;
  partial_image_index: number;
}

export interface CompletedEvent extends StreamEventBase {
  type: `${EventPrefix}.completed`;
  usage: StreamUsage;
}

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: 'list';
  data: ModelObject[];
}

export function toStreamUsage(usage: ImageUsage): StreamUsage {
  return {
    total_tokens: usage.total_tokens,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    input_tokens_details: { ...usage.input_tokens_details },
  };
}
