/** Recognises an encoded image by its first bytes: the declared content type of an upload is never trusted alone. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';

export function sniffFormat(data: Uint8Array): ImageFormat | undefined {
  if (data.length >= 8 && data[0] === 0x89 && data[1] === 0x50 && data[2] === 0x4e && data[3] === 0x47) return 'png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (
    data.length >= 12 &&
    String.fromCharCode(data[0], data[1], data[2], data[3]) === 'RIFF' &&
    String.fromCharCode(data[8], data[9], data[10], data[11]) === 'WEBP'
  ) {
    return 'webp';
  }
  return undefined;
}

export const MIME_OF: Record<ImageFormat, string> = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' };
