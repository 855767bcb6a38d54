/**
 * Segmentation matte cost per 1024x1024 image (the model's own input size), first call (model load) separately.
 *   node --import tsx bench/matting.ts [--runs 5]
 * Peak memory: /usr/bin/time -v node --import tsx bench/matting.ts ("Maximum resident set size").
 * Prints the machine's load average too: on a shared machine the model's time scales with it.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { matteFromBorder } from '../src/imaging/matte.ts';
import { matteForeground } from '../src/imaging/matting.ts';
import type { RawImage } from '../src/imaging/raw-image.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Math.max(1, Number.parseInt(values.runs ?? '5', 10));

/** A shaded disc on a gradient: what the built-in model draws, upscaled to the output size. */
function picture(size: number): RawImage {
  const data = new Uint8Array(size * size * 3);
  const r = size * 0.3;
  for (let y = 0, i = 0; y < size; y++) {
    for (let x = 0; x < size; x++, i += 3) {
      const inside = (x - size / 2) ** 2 + (y - size / 2) ** 2 <= r * r;
      const shade = 0.5 + (0.5 * x) / size;
      data[i] = inside ? 220 * shade : 40 + (150 * x) / size;
      data[i + 1] = inside ? 60 * shade : 80 + (120 * y) / size;
      data[i + 2] = inside ? 30 : 190;
    }
  }
  return { width: size, height: size, channels: 3, data };
}

function stats(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  return `mean ${mean.toFixed(0)} ms, p50 ${sorted[sorted.length >> 1].toFixed(0)}, min ${sorted[0].toFixed(0)} (n=${ms.length})`;
}

console.log(`node ${process.version}, ${cpus().length} cpus, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const image = picture(1024);
let t = performance.now();
await matteForeground(image);
console.log(`matting model, first call (load + run): ${(performance.now() - t).toFixed(0)} ms`);
const times: number[] = [];
for (let k = 0; k < runs; k++) {
  t = performance.now();
  await matteForeground(image);
  times.push(performance.now() - t);
}
console.log(`matting model, 1024x1024: ${stats(times)}`);
console.log(`resident memory between runs: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
const border: number[] = [];
for (let k = 0; k < runs; k++) {
  t = performance.now();
  matteFromBorder(image);
  border.push(performance.now() - t);
}
console.log(`border heuristic, 1024x1024: ${stats(border)}`);
console.log(`load average after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
