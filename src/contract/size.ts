/**
 * Resolving `size` and `quality` when the client said "auto" (or nothing), as the GPT image models do: the prompt's
 * own words first ("portrait", "wide", ...), then the first input image's aspect, then square.
 */
import type { ImageRequest } from './image-request.ts';

export interface ResolvedSize {
  width: number;
  height: number;
  /** "WxH" */
  label: string;
}

const PORTRAIT_WORDS = /\b(portrait|vertical|tall|poster|phone wallpaper|full[- ]body|standing)\b/i;
const LANDSCAPE_WORDS = /\b(landscape|wide|widescreen|panorama|panoramic|horizontal|banner|cinematic|skyline)\b/i;

export function parseSize(size: string): ResolvedSize {
  const m = /^(\d+)x(\d+)$/.exec(size);
  if (!m) throw new Error(`not a WxH size: ${size}`);
  return { width: Number(m[1]), height: Number(m[2]), label: size };
}

/** Picks one of the three GPT sizes for `auto`. */
export function resolveAutoSize(prompt: string, firstInput?: { width: number; height: number }): ResolvedSize {
  const portrait = PORTRAIT_WORDS.test(prompt);
  const landscape = LANDSCAPE_WORDS.test(prompt);
  if (portrait && !landscape) return parseSize('1024x1536');
  if (landscape && !portrait) return parseSize('1536x1024');
  if (firstInput) {
    const aspect = firstInput.width / firstInput.height;
    if (aspect >= 1.2) return parseSize('1536x1024');
    if (aspect <= 1 / 1.2) return parseSize('1024x1536');
  }
  return parseSize('1024x1024');
}

export function resolveSize(request: ImageRequest, firstInput?: { width: number; height: number }): ResolvedSize {
  return request.size === 'auto' ? resolveAutoSize(request.prompt, firstInput) : parseSize(request.size);
}

export type ResolvedQuality = 'low' | 'medium' | 'high';

/**
 * The quality the engine runs at. `auto` takes the configured default; DALL·E's standard/hd map to medium/high.
 */
export function resolveQuality(quality: string, autoDefault: ResolvedQuality): ResolvedQuality {
  if (quality === 'low' || quality === 'medium' || quality === 'high') return quality;
  if (quality === 'hd') return 'high';
  if (quality === 'standard') return 'medium';
  return autoDefault;
}
