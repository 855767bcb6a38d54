/**
 * Remembers the scores of the last few model inputs, keyed by the SHA-256 of the exact 224x224 pixels the model
 * sees. A streamed request checks every partial preview and then the final image, and the final image is often the
 * last preview's pixels: the second check then costs a hash (~0.2 ms) instead of an inference. Keying on the model's
 * input, not on the request, means the answer is exactly what the model would say again.
 */
import { createHash } from 'node:crypto';
import type { NsfwScores } from './nsfw-classes.ts';

export class ScoreCache {
  private readonly entries = new Map<string, NsfwScores>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity: number) {}

  static key(runtime: string, pixels: Uint8Array): string {
    return createHash('sha256').update(runtime).update('\0').update(pixels).digest('hex');
  }

  get(key: string): NsfwScores | undefined {
    const found = this.entries.get(key);
    if (!found) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-inserting makes this the most recently used entry.
    this.entries.delete(key);
    this.entries.set(key, found);
    return { ...found };
  }

  set(key: string, scores: NsfwScores): void {
    this.entries.delete(key);
    this.entries.set(key, { ...scores });
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  clear(): void {
    this.entries.clear();
    this.hits = 0;
    this.misses = 0;
  }
}
