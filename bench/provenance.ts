/**
 * What Content Credentials cost per image: signing a 1024x1024 image in each format (c2pa-rs hashing the file, one
 * ECDSA P-256 signature, embedding), in ms and as a share of encoding the same image with sharp. Also the edit case
 * (one signed input kept as an ingredient) and verification.
 * Targets (issue 5): signing <= 30 ms and <= 25% of encoding.
 * Run: node --import tsx bench/provenance.ts [runs]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createContentCredentials } from '../src/provenance/c2pa-credentials.ts';
import type { SignedFormat } from '../src/provenance/content-credentials.ts';
import { verifyImage } from '../src/provenance/verify.ts';

const runs = Number(process.argv[2] ?? 15);
const SIDE = 1024;

/** A picture-like image: smooth gradients, a few shapes and mild noise (a flat test card would compress unrealistically). */
function pixels(): Buffer {
  const data = Buffer.alloc(SIDE * SIDE * 3);
  let seed = 12345;
  const noise = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 17) - 8;
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const i = (y * SIDE + x) * 3;
      const inCircle = (x - 512) ** 2 + (y - 480) ** 2 < 260 ** 2;
      data[i] = Math.max(0, Math.min(255, (inCircle ? 220 : x / 4) + noise()));
      data[i + 1] = Math.max(0, Math.min(255, (inCircle ? 120 : y / 4) + noise()));
      data[i + 2] = Math.max(0, Math.min(255, 128 + 60 * Math.sin((x + y) / 90) + noise()));
    }
  }
  return data;
}

function encode(raw: Buffer, format: SignedFormat): Promise<Buffer> {
  const img = sharp(raw, { raw: { width: SIDE, height: SIDE, channels: 3 } });
  if (format === 'png') return img.png().toBuffer();
  if (format === 'jpeg') return img.jpeg({ quality: 85 }).toBuffer();
  return img.webp({ quality: 85 }).toBuffer();
}

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const home = mkdtempSync(join(tmpdir(), 'atelier-bench-provenance-'));
try {
  const credentials = await createContentCredentials({ home, version: 'bench', notice: () => {} });
  const raw = pixels();
  console.log(`Content Credentials cost, ${SIDE}x${SIDE}, median of ${runs} runs (c2pa-rs via @contentauth/c2pa-node, ES256)`);
  console.log('format  file KB  encode ms  sign ms  share  +bytes  edit-sign ms  verify ms  target');
  for (const format of ['png', 'jpeg', 'webp'] as SignedFormat[]) {
    const image = await encode(raw, format);
    const encodeMs = await median(() => encode(raw, format));
    let signed = image;
    const signMs = await median(async () => {
      signed = await credentials.sign({ image, format, model: 'bench', action: 'created', ingredients: [] });
    });
    const editMs = await median(() =>
      credentials.sign({ image, format, model: 'bench', action: 'edited', ingredients: [{ data: signed, format, title: 'input' }] }),
    );
    const verifyMs = await median(() => verifyImage(signed, { trustAnchorsPem: credentials.localTrustAnchorPem }));
    const share = signMs / encodeMs;
    const ok = signMs <= 30 && share <= 0.25 ? 'met' : 'MISSED';
    console.log(
      `${format.padEnd(6)}  ${(image.length / 1024).toFixed(0).padStart(7)}  ${encodeMs.toFixed(1).padStart(9)}  ${signMs.toFixed(1).padStart(7)}  ` +
        `${(share * 100).toFixed(1).padStart(4)}%  ${String(signed.length - image.length).padStart(6)}  ${editMs.toFixed(1).padStart(12)}  ` +
        `${verifyMs.toFixed(1).padStart(9)}  ${ok}`,
    );
  }
} finally {
  rmSync(home, { recursive: true, force: true });
}
