/**
 * The moderation categories Atelier reports, named as OpenAI's moderation API names them so clients can reuse their
 * handling of `moderation_details.categories`. Sub-categories of an external moderator ("hate/threatening",
 * "self-harm/intent", ...) are folded into these parents.
 */
export const MODERATION_CATEGORIES = [
  'sexual',
  'sexual/minors',
  'violence/graphic',
  'self-harm',
  'hate',
  'harassment',
  'illicit',
] as const;

export type ModerationCategory = (typeof MODERATION_CATEGORIES)[number];

export function isModerationCategory(value: string): value is ModerationCategory {
  return (MODERATION_CATEGORIES as readonly string[]).includes(value);
}

/** Keeps the canonical order above, so messages and audit lines are stable whatever order findings came in. */
export function sortCategories(categories: Iterable<ModerationCategory>): ModerationCategory[] {
  const set = new Set(categories);
  return MODERATION_CATEGORIES.filter((c) => set.has(c));
}
