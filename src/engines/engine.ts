/**
 * The Engine interface: what the server asks of anything that makes pixels. The engine knows nothing of HTTP,
 * encodings or accounting; the server knows nothing of tensors. Test doubles of this interface live in test/ only.
 */
import type { RawImage } from '../imaging/raw-image.ts';

export type EngineTask = 'text-to-image' | 'image-to-image' | 'inpaint' | 'variation';
export type EngineQuality = 'low' | 'medium' | 'high';

export interface PartialImage {
  /** Which of the n images this preview belongs to (0-based). */
  imageIndex: number;
  /** 0-based index of this preview for that image. */
  partialIndex: number;
  image: RawImage;
}

export interface EngineRequest {
  task: EngineTask;
  prompt: string;
  /** Input images for edits/variations, decoded, in request order. images[0] is the one a mask applies to. */
  images: RawImage[];
  /** Same size as images[0]; alpha 0 marks the area to change (OpenAI's convention). */
  mask?: RawImage;
  /** The requested output size after `auto` was resolved. Engines may render smaller; imaging resizes. */
  width: number;
  height: number;
  n: number;
  quality: EngineQuality;
  /** Always set: the server draws one when the client gave none, so every result is reproducible from the ledger. */
  seed: number;
  /** How many previews per image the client wants (0..3). */
  partialImages: number;
  onPartial?: (partial: PartialImage) => void | Promise<void>;
  onProgress?: (progress: { step: number; totalSteps: number }) => void;
  signal: AbortSignal;
}

export interface EngineResult {
  /** n images, in order; any size with the requested aspect ratio. */
  images: RawImage[];
}

export interface EngineInfo {
  /** The local model id, e.g. "sd-turbo" or "atelier-shapes". */
  id: string;
  tasks: EngineTask[];
  /** Resolution the model renders at natively (longest side), before upscaling. */
  nativeSize: number;
  /** The largest batch it runs through the network at once. */
  maxBatch: number;
}

export interface Engine {
  readonly info: EngineInfo;
  generate(request: EngineRequest): Promise<EngineResult>;
  /** Frees sessions and memory; the engine is unusable afterwards. */
  dispose(): Promise<void>;
}

/** A local model the product knows about, installed or not. */
export interface ModelEntry {
  id: string;
  installed: boolean;
  description: string;
  /** Where it lives on disk when installed. */
  path?: string;
  /** Command that installs it when it is not, e.g. `atelier pull sd-turbo`. */
  installCommand?: string;
}

/** Something that can list local models and load one as an Engine (the diffusion model store is one). */
export interface EngineProvider {
  list(): Promise<ModelEntry[]>;
  /** Loads (or returns the already loaded) engine for a local model id; throws ApiError when it is not installed. */
  load(id: string): Promise<Engine>;
}
