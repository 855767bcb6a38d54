/**
 * Transparent backgrounds without a matting model: the background colour is estimated from the image border (median
 * of the border pixels) and the region connected to the border whose colour is close to it becomes transparent, with
 * a soft edge. This is exact for the flat backgrounds small models draw and honest about busy ones (they stay opaque).
 */
import type { RawImage } from './raw-image.ts';

/** Colour distance (0..441) below which a border-connected pixel is fully background. */
const SOLID = 18;
/** Distance above which a pixel is fully foreground; in between, alpha ramps. */
const EDGE = 48;

function median(values: number[]): number {
  values.sort((a, b) => a - b);
  return values[values.length >> 1];
}

export function hasTransparency(image: RawImage): boolean {
  if (image.channels !== 4) return false;
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i] < 255) return true;
  return false;
}

/** Returns an RGBA copy whose border-connected background is transparent. */
export function matteFromBorder(image: RawImage): RawImage {
  const { width: w, height: h, channels: c, data } = image;
  const border: number[][] = [[], [], []];
  const pushBorder = (x: number, y: number): void => {
    const i = (y * w + x) * c;
    for (let k = 0; k < 3; k++) border[k].push(data[i + k]);
  };
  for (let x = 0; x < w; x++) {
    pushBorder(x, 0);
    pushBorder(x, h - 1);
  }
  for (let y = 1; y < h - 1; y++) {
    pushBorder(0, y);
    pushBorder(w - 1, y);
  }
  const bg = border.map(median);
  const distance = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) {
    const i = p * c;
    const dr = data[i] - bg[0];
    const dg = data[i + 1] - bg[1];
    const db = data[i + 2] - bg[2];
    distance[p] = Math.sqrt(dr * dr + dg * dg + db * db);
  }
  // Flood fill from the border through pixels that are not clearly foreground.
  const alpha = new Uint8Array(w * h).fill(255);
  const seen = new Uint8Array(w * h);
  const stack: number[] = [];
  const seed = (p: number): void => {
    if (!seen[p] && distance[p] < EDGE) {
      seen[p] = 1;
      stack.push(p);
    }
  };
  for (let x = 0; x < w; x++) {
    seed(x);
    seed((h - 1) * w + x);
  }
  for (let y = 0; y < h; y++) {
    seed(y * w);
    seed(y * w + w - 1);
  }
  while (stack.length > 0) {
    const p = stack.pop() as number;
    const d = distance[p];
    alpha[p] = d <= SOLID ? 0 : Math.round((255 * (d - SOLID)) / (EDGE - SOLID));
    const x = p % w;
    if (x > 0) seed(p - 1);
    if (x < w - 1) seed(p + 1);
    if (p >= w) seed(p - w);
    if (p < w * (h - 1)) seed(p + w);
  }
  const out = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) {
    const i = p * c;
    out[p * 4] = data[i];
    out[p * 4 + 1] = data[i + 1];
    out[p * 4 + 2] = data[i + 2];
    const own = c === 4 ? data[i + 3] : 255;
    out[p * 4 + 3] = Math.min(own, alpha[p]);
  }
  return { width: w, height: h, channels: 4, data: out };
}
