/**
 * Images served by URL for DALL·E-style `response_format: url`: kept in memory for the TTL (OpenAI: 60 minutes)
 * under an unguessable id, bounded in total bytes (oldest dropped first). They do not survive a restart.
 */
import { randomBytes } from 'node:crypto';

interface StoredImage {
  data: Buffer;
  contentType: string;
  expiresAt: number;
}

export class ImageStore {
  private readonly images = new Map<string, StoredImage>();
  private bytes = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores an image and returns its file name (`<id>.<ext>`). */
  put(data: Buffer, ext: string, contentType: string): string {
    this.sweep();
    while (this.bytes + data.length > this.maxBytes && this.images.size > 0) {
      const oldest = this.images.keys().next().value as string;
      this.remove(oldest);
    }
    const name = `${randomBytes(16).toString('hex')}.${ext}`;
    this.images.set(name, { data, contentType, expiresAt: this.now() + this.ttlMs });
    this.bytes += data.length;
    return name;
  }

  get(name: string): StoredImage | undefined {
    const image = this.images.get(name);
    if (!image) return undefined;
    if (image.expiresAt <= this.now()) {
      this.remove(name);
      return undefined;
    }
    return image;
  }

  private remove(name: string): void {
    const image = this.images.get(name);
    if (!image) return;
    this.bytes -= image.data.length;
    this.images.delete(name);
  }

  /** Map iteration order is insertion order, so expired entries are at the front. */
  private sweep(): void {
    const t = this.now();
    for (const [name, image] of this.images) {
      if (image.expiresAt > t) break;
      this.remove(name);
    }
  }
}
