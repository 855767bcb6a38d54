/**
 * Media types for the formats Atelier signs and verifies, and content sniffing for uploads whose declared type
 * cannot be trusted (the verify endpoint and CLI decide the format from the bytes, never from a file name).
 */
import type { SignedFormat } from './content-credentials.ts';

export const SIGNED_MIME: Record<SignedFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

/** Formats c2pa-rs can read that we recognise by their magic bytes. */
export type VerifiableFormat = SignedFormat | 'gif' | 'tiff' | 'avif' | 'heic';

const VERIFIABLE_MIME: Record<VerifiableFormat, string> = {
  ...SIGNED_MIME,
  gif: 'image/gif',
  tiff: 'image/tiff',
  avif: 'image/avif',
  heic: 'image/heic',
};

export function mimeOf(format: VerifiableFormat): string {
  return VERIFIABLE_MIME[format];
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.subarray(start, end)).toString('latin1');
}

/** The image format from the leading bytes, or null when it is none we can verify. */
export function sniffFormat(bytes: Uint8Array): VerifiableFormat | null {
  if (bytes.length < 12) return null;
  if (bytes[0] === 0x89 && ascii(bytes, 1, 4) === 'PNG' && bytes[4] === 0x0d && bytes[5] === 0x0a) return 'png';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'webp';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(bytes, 0, 4) === 'II*\0' || ascii(bytes, 0, 4) === 'MM\0*') return 'tiff';
  if (ascii(bytes, 4, 8) === 'ftyp') {
    const brand = ascii(bytes, 8, 12);
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (brand === 'heic' || brand === 'heix' || brand === 'mif1' || brand === 'msf1') return 'heic';
  }
  return null;
}
