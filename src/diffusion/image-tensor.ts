/**
 * RawImage <-> NCHW float tensors. Input images and masks are fitted to the generation size with the same
 * centre-crop ("cover") so a mask keeps lining up with its image; decoded tensors become 8-bit RGB.
 */
import sharp from 'sharp';
import type { RawImage } from '../imaging/raw-image.ts';

function pipelineFor(image: RawImage) {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
}

/** RGB in [-1, 1], CHW, resized (lanczos3, cover) to width x height; transparency is flattened onto white. */
export async function imageToTensor(image: RawImage, width: number, height: number): Promise<Float32Array> {
  const rgb = await pipelineFor(image)
    .flatten({ background: '#ffffff' })
    .resize(width, height, { fit: 'cover', kernel: 'lanczos3' })
    .removeAlpha()
    .raw()
    .toBuffer();
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = rgb[i * 3 + c] / 127.5 - 1;
  }
  return out;
}

/**
 * The area to repaint, 1 where the mask is transparent (OpenAI's convention: alpha 0 = change), resized to
 * width x height with the same crop as the image. Values in between give a soft edge.
 */
export async function maskToWeights(mask: RawImage, width: number, height: number): Promise<Float32Array> {
  if (mask.channels !== 4) throw new Error('mask must have an alpha channel');
  const alpha = await pipelineFor(mask)
    .extractChannel(3)
    .resize(width, height, { fit: 'cover', kernel: 'linear' })
    .raw()
    .toBuffer();
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = 1 - alpha[i] / 255;
  return out;
}

/**
 * One image of a decoded NCHW batch as 8-bit RGB. `range` says what the network emits: VAEs give [-1, 1],
 * TAESD's decoder [0, 1].
 */
export function tensorToImage(
  data: Float32Array,
  index: number,
  width: number,
  height: number,
  range: 'signed' | 'unit',
): RawImage {
  const plane = width * height;
  const base = index * 3 * plane;
  // Uint8ClampedArray clamps to 0..255 and rounds half to even on assignment: diffusers' (x / 2 + 0.5).clamp(0, 1)
  // then numpy's (x * 255).round(), without a branch per value.
  const out = new Uint8ClampedArray(plane * 3);
  const scale = range === 'signed' ? 127.5 : 255;
  const shift = range === 'signed' ? 127.5 : 0;
  for (let c = 0; c < 3; c++) {
    const from = base + c * plane;
    for (let i = 0, o = c; i < plane; i++, o += 3) out[o] = data[from + i] * scale + shift;
  }
  return { width, height, channels: 3, data: new Uint8Array(out.buffer) };
}
