/** Encoded test inputs made with sharp. */
import sharp from 'sharp';

export async function pngImage(width: number, height: number, opts: { alpha?: boolean; transparentHole?: boolean } = {}): Promise<Buffer> {
  const channels = opts.alpha || opts.transparentHole ? 4 : 3;
  const data = Buffer.alloc(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      data[i] = (x * 255) / width;
      data[i + 1] = (y * 255) / height;
      data[i + 2] = 128;
      if (channels === 4) {
        const hole = opts.transparentHole && Math.abs(x - width / 2) < width / 4 && Math.abs(y - height / 2) < height / 4;
        data[i + 3] = hole ? 0 : 255;
      }
    }
  }
  return sharp(data, { raw: { width, height, channels } }).png().toBuffer();
}

export async function jpegImage(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 100, b: 50 } } }).jpeg().toBuffer();
}

export async function webpImage(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 20, g: 100, b: 250 } } }).webp().toBuffer();
}

export async function metadataOf(data: Buffer): Promise<{ format?: string; width?: number; height?: number; hasAlpha?: boolean }> {
  const m = await sharp(data).metadata();
  return { format: m.format, width: m.width, height: m.height, hasAlpha: m.hasAlpha };
}
