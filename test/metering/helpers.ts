// Shared fixtures for the metering tests: a fresh ATELIER_HOME and a usage object.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageUsage, type ImageUsage, type UsageQuality } from '../../src/metering/usage.ts';

export function tempHome(): string {
  return mkdtempSync(join(tmpdir(), 'atelier-metering-'));
}

export function squareUsage(quality: UsageQuality, prompt = 'a red fox', n = 1): ImageUsage {
  return imageUsage({
    prompt,
    width: 1024,
    height: 1024,
    quality,
    n,
    partialImages: 0,
    inputImages: [],
    inputFidelity: 'low',
  });
}
