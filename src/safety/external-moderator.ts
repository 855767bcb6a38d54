/**
 * Optional second opinion from any OpenAI-compatible `/v1/moderations` endpoint (OpenAI itself, or a self-hosted
 * server speaking the same protocol). Off unless the operator sets a URL. Its categories are folded into Atelier's
 * seven; a category blocks when its score reaches the level's `externalScore` (or, at `auto`, when the endpoint
 * itself flags it). sexual/minors blocks whenever the endpoint flags it, at every level.
 */
import sharp from 'sharp';
import type { RawImage } from '../imaging/raw-image.ts';
import { type ModerationCategory, sortCategories } from './categories.ts';
import type { ModerationLevel } from './moderator.ts';
import type { ModerationPolicy } from './policy.ts';

const PARENT: Record<string, ModerationCategory> = {
  sexual: 'sexual',
  'sexual/minors': 'sexual/minors',
  harassment: 'harassment',
  'harassment/threatening': 'harassment',
  hate: 'hate',
  'hate/threatening': 'hate',
  illicit: 'illicit',
  'illicit/violent': 'illicit',
  'self-harm': 'self-harm',
  'self-harm/intent': 'self-harm',
  'self-harm/instructions': 'self-harm',
  violence: 'violence/graphic',
  'violence/graphic': 'violence/graphic',
};

/** Longest side of the copy of an image sent out: enough for a classifier, small enough to send quickly. */
const SENT_IMAGE_SIDE = 512;

export interface ExternalResult {
  flags: Record<string, boolean>;
  scores: Record<string, number>;
}

export class ExternalModerationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExternalModerationError';
  }
}

type ModerationInput = string | Array<{ type: 'image_url'; image_url: { url: string } }>;

export class ExternalModerator {
  constructor(
    private readonly url: string,
    private readonly apiKey: string | undefined,
    private readonly policy: ModerationPolicy,
  ) {
    const parsed = new URL(url); // throws on a malformed URL at startup, not on the first request
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new ExternalModerationError(`external moderator URL must be http(s), got ${parsed.protocol}`);
    }
  }

  async checkText(text: string, level: ModerationLevel): Promise<ModerationCategory[]> {
    return this.decide(await this.call(text), level);
  }

  async checkImage(image: RawImage, level: ModerationLevel): Promise<ModerationCategory[]> {
    const { data, width, height, channels } = image;
    const jpeg = await sharp(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { raw: { width, height, channels } })
      .flatten({ background: '#ffffff' })
      .resize(SENT_IMAGE_SIDE, SENT_IMAGE_SIDE, { fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85 })
      .toBuffer();
    const url = `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    return this.decide(await this.call([{ type: 'image_url', image_url: { url } }]), level);
  }

  decide(result: ExternalResult, level: ModerationLevel): ModerationCategory[] {
    const threshold = this.policy.levels[level].externalScore;
    const blocked = new Set<ModerationCategory>();
    const names = new Set([...Object.keys(result.flags), ...Object.keys(result.scores)]);
    for (const name of names) {
      const parent = PARENT[name];
      if (!parent || this.policy.levels[level].text[parent] === 'off') continue;
      const flagged = result.flags[name] === true;
      const score = result.scores[name];
      const byScore = typeof score === 'number' && score >= threshold;
      if (byScore || (flagged && (level === 'auto' || parent === 'sexual/minors'))) blocked.add(parent);
    }
    return sortCategories(blocked);
  }

  private async call(input: ModerationInput): Promise<ExternalResult> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: this.policy.externalModel, input }),
        signal: AbortSignal.timeout(this.policy.externalTimeoutMs),
      });
    } catch (err) {
      throw new ExternalModerationError(`external moderator unreachable: ${(err as Error).message}`);
    }
    if (!response.ok) throw new ExternalModerationError(`external moderator answered HTTP ${response.status}`);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new ExternalModerationError('external moderator answered with invalid JSON');
    }
    return parseModerationResponse(body);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads `{results:[{categories:{..bool}, category_scores:{..number}}]}`, merging results (any flags, max scores). */
export function parseModerationResponse(body: unknown): ExternalResult {
  if (!isRecord(body) || !Array.isArray(body.results) || body.results.length === 0) {
    throw new ExternalModerationError('external moderator response has no results');
  }
  const flags: Record<string, boolean> = {};
  const scores: Record<string, number> = {};
  for (const r of body.results) {
    if (!isRecord(r)) throw new ExternalModerationError('external moderator result is not an object');
    if (isRecord(r.categories)) {
      for (const [k, v] of Object.entries(r.categories)) if (v === true) flags[k] = true;
    }
    if (isRecord(r.category_scores)) {
      for (const [k, v] of Object.entries(r.category_scores)) {
        if (typeof v === 'number' && Number.isFinite(v)) scores[k] = Math.max(scores[k] ?? 0, v);
      }
    }
    if (r.flagged === true && !isRecord(r.categories)) flags.flagged = true;
  }
  return { flags, scores };
}
