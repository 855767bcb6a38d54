/** Images the image-stage tests draw themselves: flat colours, gradients, shapes, noise. */
import type { RawImage } from '../../../src/imaging/raw-image.ts';

type Rgb = [number, number, number];

export function draw(width: number, height: number, pixel: (x: number, y: number) => Rgb): RawImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) data.set(pixel(x, y), (y * width + x) * 3);
  }
  return { width, height, channels: 3, data };
}

export const flat = (rgb: Rgb, size = 256) => draw(size, size, () => rgb);

export const gradient = (size = 256) =>
  draw(size, size, (x, y) => [Math.round((255 * x) / size), Math.round((255 * y) / size), 128]);

export const checkerboard = (size = 256, cell = 32) =>
  draw(size, size, (x, y) => ((Math.floor(x / cell) + Math.floor(y / cell)) % 2 ? [240, 240, 240] : [20, 20, 20]));

export const circle = (size = 256) =>
  draw(size, size, (x, y) => ((x - size / 2) ** 2 + (y - size / 2) ** 2 < (size / 3) ** 2 ? [220, 40, 40] : [30, 60, 200]));

/** Deterministic pseudo-random noise (xorshift), so every run sees the same pixels. */
export function noise(size = 256, seed = 12345): RawImage {
  let s = seed;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) & 255;
  };
  return draw(size, size, () => [next(), next(), next()]);
}

/** RGBA copy of an RGB image with the given alpha everywhere. */
export function withAlpha(image: RawImage, alpha: number): RawImage {
  const px = image.width * image.height;
  const data = new Uint8Array(px * 4);
  for (let i = 0; i < px; i++) {
    data.set(image.data.subarray(i * 3, i * 3 + 3), i * 4);
    data[i * 4 + 3] = alpha;
  }
  return { width: image.width, height: image.height, channels: 4, data };
}
