/**
 * The two calls the request path makes, with the blocking decisions in one place:
 * - `moderateInput` before generating: the prompt, then every input image (and mask); throws on a block.
 * - `moderateOutputs` after generating: every output image. For n > 1 the policy decides ("drop": blocked images are
 *   left out and the rest returned; "reject": any block fails the request). When nothing is left it throws.
 * Partial previews go through `moderatePartial`: a blocked preview is simply not sent (the final image is still
 * checked), so a stream never shows what the final check would refuse.
 */
import type { RawImage } from '../imaging/raw-image.ts';
import { sortCategories, isModerationCategory } from './categories.ts';
import type { ModerationContext, ModerationLevel, Moderator } from './moderator.ts';
import { moderationBlockedError } from './blocked-error.ts';

export interface GateOptions {
  requestId: string;
  user?: string;
  /** "drop" (default) or "reject", from ModerationPolicy.partialOutputs. */
  partialOutputs?: 'drop' | 'reject';
  /** Sentence used in the error message; from ModerationPolicy.contact. */
  contact?: string;
}

function merge(into: Set<string>, categories: string[]): void {
  for (const c of categories) into.add(c);
}

function ordered(categories: Set<string>): string[] {
  const known = sortCategories([...categories].filter(isModerationCategory));
  return [...known, ...[...categories].filter((c) => !isModerationCategory(c)).sort()];
}

export async function moderateInput(
  moderator: Moderator,
  prompt: string,
  images: readonly RawImage[],
  level: ModerationLevel,
  opts: GateOptions,
): Promise<void> {
  const ctx: ModerationContext = { requestId: opts.requestId, user: opts.user };
  const text = await moderator.checkText(prompt, level, { ...ctx, subject: 'prompt' });
  if (text.flagged) throw moderationBlockedError('input', text.categories, opts.requestId, opts.contact);
  const blocked = new Set<string>();
  for (const [i, image] of images.entries()) {
    const verdict = await moderator.checkImage(image, level, 'input', { ...ctx, subject: `image[${i}]` });
    merge(blocked, verdict.categories);
  }
  if (blocked.size > 0) throw moderationBlockedError('input', ordered(blocked), opts.requestId, opts.contact);
}

export interface OutputModeration {
  /** Indices (into the generated images) that may be returned, in order. */
  kept: number[];
  blocked: Array<{ index: number; categories: string[] }>;
}

export async function moderateOutputs(
  moderator: Moderator,
  outputs: readonly RawImage[],
  level: ModerationLevel,
  opts: GateOptions,
): Promise<OutputModeration> {
  const result: OutputModeration = { kept: [], blocked: [] };
  const all = new Set<string>();
  for (const [i, image] of outputs.entries()) {
    const ctx = { requestId: opts.requestId, user: opts.user, subject: `output[${i}]` };
    const verdict = await moderator.checkImage(image, level, 'output', ctx);
    if (verdict.flagged) {
      result.blocked.push({ index: i, categories: verdict.categories });
      merge(all, verdict.categories);
      if ((opts.partialOutputs ?? 'drop') === 'reject') break; // no need to look further
    } else {
      result.kept.push(i);
    }
  }
  const rejectAll = (opts.partialOutputs ?? 'drop') === 'reject' && result.blocked.length > 0;
  if (rejectAll || (outputs.length > 0 && result.kept.length === 0)) {
    throw moderationBlockedError('output', ordered(all), opts.requestId, opts.contact);
  }
  return result;
}

/** True when a partial preview may be streamed. Blocked previews are dropped silently; the final image decides. */
export async function moderatePartial(
  moderator: Moderator,
  preview: RawImage,
  level: ModerationLevel,
  opts: GateOptions & { imageIndex: number; partialIndex: number },
): Promise<boolean> {
  const verdict = await moderator.checkImage(preview, level, 'output', {
    requestId: opts.requestId,
    user: opts.user,
    subject: `partial[${opts.imageIndex}.${opts.partialIndex}]`,
  });
  return !verdict.flagged;
}
