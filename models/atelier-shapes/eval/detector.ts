/**
 * Reads a shapes-world image back: background colour and gradient, and each shape's colour, kind and place.
 * A line-for-line port of ../training/detector.py (the Python copy monitors training), sharing its templates file,
 * so the numbers from the TypeScript engine and from PyTorch are comparable.
 *
 * Background = straight line between the median colours of the top and bottom two rows; foreground = pixels far
 * from it; shapes = 4-connected foreground components of at least MIN_AREA pixels; colour = nearest named colour to
 * the component's median; kind = best IoU between its bounding-box mask resampled to 16x16 and a template per kind.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawImage } from '../../../src/imaging/raw-image.ts';

type Rgb = readonly [number, number, number];

/** Must match world.py COLOURS / BACKGROUNDS. */
export const COLOURS: Record<string, Rgb> = {
  red: [220, 30, 30],
  orange: [255, 140, 0],
  yellow: [255, 225, 0],
  green: [30, 170, 50],
  blue: [30, 70, 230],
  purple: [140, 40, 200],
  pink: [255, 105, 180],
  cyan: [0, 200, 220],
  white: [245, 245, 245],
  black: [20, 20, 20],
};
export const BACKGROUNDS: Record<string, Rgb> = { ...COLOURS, gray: [128, 128, 128] };

const FOREGROUND_DISTANCE = 70;
const CORE_DISTANCE = 100;
const MIN_AREA = 12;
const GRID = 16;
const CENTRE_BOX = 8;
const GRADIENT_MIN = 40;
const LARGE_EXTENT = 22;

export type Templates = Record<string, number[]>; // kind -> GRID*GRID row-major

export interface DetectedShape {
  colour: string;
  shape: string;
  x: number;
  y: number;
  area: number;
  extent: number;
}

export interface Detection {
  background: string;
  gradient: boolean;
  objects: DetectedShape[];
}

export interface ShapeSpec {
  shape: string;
  colour: string;
  size: 'small' | 'large';
  x: number;
  y: number;
  position: string | null;
}

export interface SceneSpec {
  caption: string;
  background: string;
  gradient: boolean;
  relation: string | null;
  shapes: ShapeSpec[];
}

export interface SceneScore {
  colour: number[];
  shape: number[];
  position: number;
  background: number;
  count: number;
  size?: number;
}

export function loadTemplates(file = join(dirname(fileURLToPath(import.meta.url)), 'shape-templates.json')): Templates {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, number[][]>;
  return Object.fromEntries(Object.entries(raw).map(([k, rows]) => [k, rows.flat()]));
}

/** numpy.median: mean of the two middle values for an even count. */
function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function medianColour(pixels: Rgb[]): Rgb {
  return [median(pixels.map((p) => p[0])), median(pixels.map((p) => p[1])), median(pixels.map((p) => p[2]))];
}

function nearest(rgb: Rgb, table: Record<string, Rgb>): string {
  let best = '';
  let bestD = Infinity;
  for (const [name, c] of Object.entries(table)) {
    const d = (rgb[0] - c[0]) ** 2 + (rgb[1] - c[1]) ** 2 + (rgb[2] - c[2]) ** 2;
    if (d < bestD) {
      bestD = d;
      best = name;
    }
  }
  return best;
}

function resample(mask: Uint8Array, width: number, pixels: number[]): number[] {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (const p of pixels) {
    const y = Math.floor(p / width), x = p % width;
    x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
  }
  const h = y1 - y0 + 1, w = x1 - x0 + 1;
  const out = new Array<number>(GRID * GRID).fill(0);
  for (let i = 0; i < GRID; i++) {
    for (let j = 0; j < GRID; j++) {
      let acc = 0;
      for (let a = 0; a < 4; a++) {
        for (let b = 0; b < 4; b++) {
          const yy = Math.floor(((i + (a + 0.5) / 4) * h) / GRID);
          const xx = Math.floor(((j + (b + 0.5) / 4) * w) / GRID);
          acc += mask[(y0 + yy) * width + x0 + xx];
        }
      }
      out[i * GRID + j] = acc / 16;
    }
  }
  return out;
}

export function analyse(img: RawImage, templates: Templates): Detection {
  const { width, height, channels, data } = img;
  const px = (i: number): Rgb => [data[i * channels], data[i * channels + 1], data[i * channels + 2]];
  const rows = (from: number, to: number) => {
    const out: Rgb[] = [];
    for (let y = from; y < to; y++) for (let x = 0; x < width; x++) out.push(px(y * width + x));
    return out;
  };
  const top = medianColour(rows(0, 2));
  const bottom = medianColour(rows(height - 2, height));
  const dist = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const t = y / (height - 1);
    const bg = [0, 1, 2].map((c) => top[c] * (1 - t) + bottom[c] * t);
    for (let x = 0; x < width; x++) {
      const p = px(y * width + x);
      dist[y * width + x] = Math.sqrt((p[0] - bg[0]) ** 2 + (p[1] - bg[1]) ** 2 + (p[2] - bg[2]) ** 2);
    }
  }
  const seen = new Uint8Array(width * height);
  const objects: DetectedShape[] = [];
  for (let start = 0; start < width * height; start++) {
    if (seen[start] || dist[start] <= FOREGROUND_DISTANCE) continue;
    const pixels: number[] = [];
    const queue = [start];
    seen[start] = 1;
    for (let q = 0; q < queue.length; q++) {
      const p = queue[q];
      pixels.push(p);
      const y = Math.floor(p / width), x = p % width;
      const next: [number, number][] = [[y + 1, x], [y - 1, x], [y, x + 1], [y, x - 1]];
      for (const [yy, xx] of next) {
        if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
        const n = yy * width + xx;
        if (!seen[n] && dist[n] > FOREGROUND_DISTANCE) {
          seen[n] = 1;
          queue.push(n);
        }
      }
    }
    if (pixels.length < MIN_AREA) continue;
    const mask = new Uint8Array(width * height);
    for (const p of pixels) mask[p] = 1;
    const core = pixels.filter((p) => dist[p] > CORE_DISTANCE);
    const colourPixels = (core.length >= 4 ? core : pixels).map(px);
    const grid = resample(mask, width, pixels);
    let shape = '';
    let bestIou = -1;
    for (const [kind, tpl] of Object.entries(templates)) {
      let inter = 0, union = 0;
      for (let k = 0; k < grid.length; k++) {
        inter += Math.min(grid[k], tpl[k]);
        union += Math.max(grid[k], tpl[k]);
      }
      const iou = inter / union;
      if (iou > bestIou) {
        bestIou = iou;
        shape = kind;
      }
    }
    const ys = pixels.map((p) => Math.floor(p / width));
    const xs = pixels.map((p) => p % width);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    objects.push({
      colour: nearest(medianColour(colourPixels), COLOURS),
      shape,
      x: mean(xs) + 0.5,
      y: mean(ys) + 0.5,
      area: pixels.length,
      extent: Math.max(Math.max(...ys) - Math.min(...ys), Math.max(...xs) - Math.min(...xs)) + 1,
    });
  }
  const gradient = Math.sqrt((top[0] - bottom[0]) ** 2 + (top[1] - bottom[1]) ** 2 + (top[2] - bottom[2]) ** 2) > GRADIENT_MIN;
  return { background: nearest(top, BACKGROUNDS), gradient, objects };
}

export function region(x: number, y: number): string {
  const dx = x - 32, dy = y - 32;
  if (Math.max(Math.abs(dx), Math.abs(dy)) < CENTRE_BOX) return 'centre';
  if (Math.abs(dx) >= Math.abs(dy)) return dx < 0 ? 'left' : 'right';
  return dy < 0 ? 'top' : 'bottom';
}

/** a is clearly left of (axis x) or above (axis y) b. */
function before(a: DetectedShape, b: DetectedShape, axis: 'x' | 'y'): boolean {
  const other = axis === 'x' ? 'y' : 'x';
  const gap = b[axis] - a[axis];
  return gap > 6 && gap > Math.abs(b[other] - a[other]);
}

/** Per-attribute results for one scene: 0/1 per shape for colour and kind, 0/1 for the rest. */
export function score(spec: SceneSpec, found: Detection): SceneScore {
  const d2 = (o: DetectedShape, s: ShapeSpec) => (o.x - s.x) ** 2 + (o.y - s.y) ** 2;
  const matches = spec.shapes.map((s): DetectedShape | null => {
    const same = found.objects.filter((o) => o.colour === s.colour);
    if (same.length) return same.reduce((a, b) => (b.area > a.area ? b : a));
    const near = found.objects.filter((o) => d2(o, s) < 16 * 16);
    return near.length ? near.reduce((a, b) => (d2(b, s) < d2(a, s) ? b : a)) : null;
  });
  const result: SceneScore = {
    colour: spec.shapes.map((s, i) => Number(matches[i]?.colour === s.colour)),
    shape: spec.shapes.map((s, i) => Number(matches[i]?.shape === s.shape)),
    background: Number(found.background === spec.background && found.gradient === spec.gradient),
    count: Number(found.objects.length === spec.shapes.length),
    position: 0,
  };
  if (matches.every((m): m is DetectedShape => m !== null)) {
    if (matches.length === 1) {
      result.position = Number(region(matches[0].x, matches[0].y) === spec.shapes[0].position);
    } else if (matches.length === 2) {
      const [a, b] = matches;
      const ok: Record<string, boolean> = {
        above: before(a, b, 'y'),
        below: before(b, a, 'y'),
        left_of: before(a, b, 'x'),
        right_of: before(b, a, 'x'),
      };
      result.position = Number(ok[spec.relation ?? ''] ?? false);
    } else {
      const axis = spec.relation === 'row' ? 'x' : 'y';
      result.position = Number(before(matches[0], matches[1], axis) && before(matches[1], matches[2], axis));
    }
  }
  if (matches.length === 1) {
    const m = matches[0];
    result.size = Number(m !== null && m.extent >= LARGE_EXTENT === (spec.shapes[0].size === 'large'));
  }
  return result;
}

export type Summary = Record<string, Record<string, number>>;

/** Accuracy per attribute, over all scenes and per number of shapes. */
export function summarise(results: SceneScore[], specs: SceneSpec[]): Summary {
  const groups: Record<string, number[]> = { all: specs.map((_, i) => i) };
  for (const n of [1, 2, 3]) groups[`${n}-shape`] = specs.flatMap((s, i) => (s.shapes.length === n ? [i] : []));
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const out: Summary = {};
  for (const [name, idx] of Object.entries(groups)) {
    if (!idx.length) continue;
    const row: Record<string, number> = { captions: idx.length };
    row.colour = mean(idx.flatMap((i) => results[i].colour));
    row.shape = mean(idx.flatMap((i) => results[i].shape));
    for (const key of ['position', 'background', 'count', 'size'] as const) {
      const vals = idx.flatMap((i) => (results[i][key] === undefined ? [] : [results[i][key] as number]));
      if (vals.length) row[key] = mean(vals);
    }
    out[name] = row;
  }
  return out;
}
