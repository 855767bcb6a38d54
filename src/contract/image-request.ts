/**
 * The validated, defaulted form of an Images API request: what the routes hand to the request pipeline. `size`,
 * `quality` and `background` keep the values the client asked for (possibly "auto"); the pipeline resolves them.
 */
import type { Background, Endpoint, ModelFamily, OutputFormat, ResponseFormat } from './models.ts';

export interface ImageRequest {
  endpoint: Endpoint;
  /** The model name as the client sent it (or the default); echoed in records. */
  model: string;
  family: ModelFamily;
  prompt: string;
  n: number;
  /** "WxH" or "auto". */
  size: string;
  /** low|medium|high|auto for GPT models, standard|hd for DALL·E. */
  quality: string;
  background: Background;
  outputFormat: OutputFormat;
  /** 0..100; the quality of lossy jpeg/webp encoding. */
  outputCompression: number;
  moderation: 'low' | 'auto';
  responseFormat: ResponseFormat;
  style?: 'vivid' | 'natural';
  stream: boolean;
  partialImages: number;
  inputFidelity: 'low' | 'high';
  /** Atelier extension: makes a generation reproducible. */
  seed?: number;
  user?: string;
}

/** An uploaded input image before decoding, as it arrived (multipart part or data URL). */
export interface UploadedImage {
  /** The parameter name to report in errors: "image", "image[2]", "mask", "images[0].image_url". */
  param: string;
  data: Buffer;
  /** The declared content type. */
  mimetype: string;
  filename: string;
}
