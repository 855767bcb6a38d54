/**
 * Decoded pixels, the one image type that crosses module boundaries (engine, safety, imaging).
 * Row-major, interleaved channels, 8 bits per channel. Encoded files (PNG/JPEG/WebP bytes) never enter the engine.
 */
export interface RawImage {
  width: number;
  height: number;
  /** 3 = RGB, 4 = RGBA. */
  channels: 3 | 4;
  data: Uint8Array;
}
