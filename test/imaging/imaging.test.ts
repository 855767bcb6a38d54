// Decoding bounds (content type, magic bytes, header dimensions, truncation) and encoding (size, format,
// compression, background) with real sharp.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { ApiError } from '../../src/contract/api-error.ts';
import { decodeUpload } from '../../src/imaging/decode.ts';
import { encodeImage } from '../../src/imaging/encode.ts';
import { hasTransparency, matteFromBorder } from '../../src/imaging/matte.ts';
import { sniffFormat } from '../../src/imaging/sniff.ts';
import { jpegImage, metadataOf, pngImage, webpImage } from '../helpers/images.ts';
import { drawPicture } from '../helpers/test-engine.ts';

const limits = { maxPixels: 4096 * 4096, maxSide: 8192, workingMaxSide: 2048 };
const upload = (data: Buffer, mimetype = 'image/png', filename = 'a.png') => ({ param: 'image', data, mimetype, filename });

async function decodeError(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof ApiError && err.status === 400 && err.code === code && err.param === 'image');
}

describe('decodeUpload', () => {
  it('decodes png, jpeg and webp to RGB or RGBA', async () => {
    const png = await decodeUpload(upload(await pngImage(20, 10, { alpha: true })), limits);
    assert.deepEqual([png.image.width, png.image.height, png.image.channels, png.format, png.hasAlpha], [20, 10, 4, 'png', true]);
    const jpg = await decodeUpload(upload(await jpegImage(8, 8), 'image/jpeg', 'a.jpg'), limits);
    assert.deepEqual([jpg.image.channels, jpg.format], [3, 'jpeg']);
    const webp = await decodeUpload(upload(await webpImage(8, 8), 'image/webp', 'a.webp'), limits);
    assert.equal(webp.format, 'webp');
    assert.equal(sniffFormat(Buffer.from('GIF89a')), undefined);
  });

  it('scales large inputs to the working size and keeps the original size', async () => {
    const big = await decodeUpload(upload(await pngImage(3000, 1500)), limits);
    assert.deepEqual([big.image.width, big.image.height, big.originalWidth, big.originalHeight], [2048, 1024, 3000, 1500]);
  });

  it('refuses wrong content types, non-images, truncated data and oversized headers', async () => {
    await decodeError(decodeUpload(upload(await pngImage(8, 8), 'text/plain'), limits), 'unsupported_file_mimetype');
    // application/octet-stream with an image extension is accepted (what the SDK sends for a bare stream).
    await decodeUpload(upload(await pngImage(8, 8), 'application/octet-stream', 'x.png'), limits);
    await decodeError(decodeUpload(upload(await pngImage(8, 8), 'application/octet-stream', 'x.bin'), limits), 'unsupported_file_mimetype');
    await decodeError(decodeUpload(upload(Buffer.from('hello world, not an image')), limits), 'invalid_image_file');
    const png = await pngImage(64, 64);
    await decodeError(decodeUpload(upload(png.subarray(0, png.length / 2)), limits), 'invalid_image_file');
    await decodeError(decodeUpload(upload(await pngImage(100, 100)), { ...limits, maxPixels: 5000 }), 'image_too_large');
    await decodeError(decodeUpload(upload(await pngImage(300, 10)), { ...limits, maxSide: 200 }), 'image_too_large');
  });
});

describe('encodeImage', () => {
  const picture = drawPicture(64, 64, 1);

  it('resizes with the aspect kept and encodes each format', async () => {
    for (const format of ['png', 'jpeg', 'webp'] as const) {
      const out = await encodeImage(picture, { width: 1536, height: 1024, format, compression: 90, background: 'auto' });
      const meta = await metadataOf(out.data);
      assert.deepEqual([meta.format, meta.width, meta.height], [format, 1536, 1024]);
      assert.equal(out.background, 'opaque');
    }
  });

  it('output_compression changes lossy size', async () => {
    const lo = await encodeImage(picture, { width: 512, height: 512, format: 'webp', compression: 10, background: 'auto' });
    const hi = await encodeImage(picture, { width: 512, height: 512, format: 'webp', compression: 100, background: 'auto' });
    assert.ok(lo.data.length < hi.data.length);
  });

  it('transparent mattes a flat background away and keeps the subject', async () => {
    const out = await encodeImage(picture, { width: 128, height: 128, format: 'png', compression: 100, background: 'transparent' });
    assert.equal(out.background, 'transparent');
    const { data, info } = await sharp(out.data).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, 4);
    assert.equal(data[3], 0, 'corner is transparent');
    const center = (64 * 128 + 64) * 4;
    assert.equal(data[center + 3], 255, 'subject stays opaque');
  });

  it('opaque flattens alpha; auto keeps real alpha except in jpeg', async () => {
    const rgba = matteFromBorder(picture);
    assert.ok(hasTransparency(rgba));
    const opaque = await encodeImage(rgba, { width: 64, height: 64, format: 'png', compression: 100, background: 'opaque' });
    assert.equal((await metadataOf(opaque.data)).hasAlpha, false);
    const auto = await encodeImage(rgba, { width: 64, height: 64, format: 'webp', compression: 100, background: 'auto' });
    assert.equal(auto.background, 'transparent');
    const jpeg = await encodeImage(rgba, { width: 64, height: 64, format: 'jpeg', compression: 100, background: 'auto' });
    assert.equal(jpeg.background, 'opaque');
  });
});
