/**
 * Images for the provenance tests, made with sharp, and precise ways to tamper with signed files.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import type { SignedFormat } from '../../src/provenance/content-credentials.ts';

export const FORMATS: SignedFormat[] = ['png', 'jpeg', 'webp'];

/** A deterministic, textured RGB image (flat colours would compress to almost nothing). */
export function rawPixels(width: number, height: number, seed = 1): Buffer {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      data[i] = (x * 3 + seed * 17) & 255;
      data[i + 1] = (y * 5 + seed * 31) & 255;
      data[i + 2] = ((x ^ y) * 7 + seed) & 255;
    }
  }
  return data;
}

/** Encodes like the imaging layer would, including output_compression for jpeg/webp (quality 0-100). */
export async function makeImage(format: SignedFormat, opts: { width?: number; height?: number; seed?: number; quality?: number } = {}): Promise<Buffer> {
  const width = opts.width ?? 96;
  const height = opts.height ?? 64;
  const img = sharp(rawPixels(width, height, opts.seed), { raw: { width, height, channels: 3 } });
  if (format === 'png') return img.png({ compressionLevel: 9, adaptiveFiltering: false }).toBuffer();
  if (format === 'jpeg') return img.jpeg({ quality: opts.quality ?? 80 }).toBuffer();
  return img.webp({ quality: opts.quality ?? 80 }).toBuffer();
}

// --- PNG chunk surgery -------------------------------------------------------------------------------------------

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface PngChunk {
  type: string;
  data: Buffer;
}

export function pngChunks(png: Buffer): PngChunk[] {
  const chunks: PngChunk[] = [];
  for (let off = 8; off < png.length; ) {
    const len = png.readUInt32BE(off);
    chunks.push({ type: png.toString('latin1', off + 4, off + 8), data: png.subarray(off + 8, off + 8 + len) });
    off += 12 + len;
  }
  return chunks;
}

function pngFromChunks(chunks: PngChunk[]): Buffer {
  const parts: Buffer[] = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
  for (const c of chunks) {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(c.data.length, 0);
    head.write(c.type, 4, 'latin1');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), c.data])), 0);
    parts.push(head, c.data, crc);
  }
  return Buffer.concat(parts);
}

/**
 * Changes exactly one pixel of a signed, 8-bit RGB, unfiltered PNG and leaves every other chunk (the C2PA manifest
 * included) as it was: the result is a well-formed PNG any decoder opens.
 */
export function changeOnePngPixel(png: Buffer, x: number, y: number): Buffer {
  const chunks = pngChunks(png);
  const ihdr = chunks.find((c) => c.type === 'IHDR');
  if (!ihdr) throw new Error('no IHDR');
  const width = ihdr.data.readUInt32BE(0);
  const rows = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = 1 + width * 3;
  if (rows[y * stride] !== 0) throw new Error('expected filter type None (adaptiveFiltering: false)');
  const at = y * stride + 1 + x * 3;
  rows[at] ^= 0x40;
  const firstIdat = chunks.findIndex((c) => c.type === 'IDAT');
  const rest = chunks.filter((c) => c.type !== 'IDAT');
  rest.splice(firstIdat, 0, { type: 'IDAT', data: deflateSync(rows) });
  return pngFromChunks(rest);
}

/** Flips one bit in the middle of the compressed image data of a JPEG (entropy-coded scan) or WebP (VP8 chunk). */
export function flipImageDataBit(file: Buffer, format: 'jpeg' | 'webp'): Buffer {
  const out = Buffer.from(file);
  let start: number;
  let end: number;
  if (format === 'jpeg') {
    const sos = out.lastIndexOf(Buffer.from([0xff, 0xda]));
    start = sos + 2 + out.readUInt16BE(sos + 2);
    end = out.length - 2; // before EOI
  } else {
    const vp8 = out.indexOf('VP8', 12, 'latin1');
    start = vp8 + 8;
    end = start + out.readUInt32LE(vp8 + 4);
  }
  // Pick a byte whose flipped value cannot form a JPEG marker (0xFF) so the file stays parseable.
  for (let i = Math.floor((start + end) / 2); i < end; i++) {
    if (out[i] !== 0xff && out[i] !== 0xfe && out[i - 1] !== 0xff) {
      out[i] ^= 0x01;
      return out;
    }
  }
  throw new Error('no byte to flip');
}

export async function withTempHome<T>(fn: (home: string) => Promise<T>): Promise<T> {
  const home = await mkdtemp(join(tmpdir(), 'atelier-prov-'));
  try {
    return await fn(home);
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** Byte ranges [start, end) of the embedded C2PA manifest store: PNG caBX chunks, JPEG APP11 segments, WebP C2PA chunk. */
export function manifestRanges(file: Buffer, format: SignedFormat): [number, number][] {
  const ranges: [number, number][] = [];
  if (format === 'png') {
    for (let off = 8; off < file.length; ) {
      const len = file.readUInt32BE(off);
      if (file.toString('latin1', off + 4, off + 8) === 'caBX') ranges.push([off, off + 12 + len]);
      off += 12 + len;
    }
  } else if (format === 'jpeg') {
    for (let off = 2; off + 4 <= file.length && file[off] === 0xff && file[off + 1] !== 0xda; ) {
      const len = file.readUInt16BE(off + 2);
      if (file[off + 1] === 0xeb) ranges.push([off, off + 2 + len]);
      off += 2 + len;
    }
  } else {
    for (let off = 12; off + 8 <= file.length; ) {
      const len = file.readUInt32LE(off + 4);
      if (file.toString('latin1', off, off + 4) === 'C2PA') ranges.push([off, off + 8 + len]);
      off += 8 + len + (len & 1);
    }
  }
  return ranges;
}
