/**
 * The Moderator interface the request path calls: once on the prompt and input images (stage "input"), once on
 * every output image and partial preview (stage "output"). Implementations live beside this file; build one with
 * `createModerator` (create-moderator.ts).
 */
import type { RawImage } from '../imaging/raw-image.ts';

export type ModerationLevel = 'auto' | 'low';
export type ModerationStage = 'input' | 'output';

export interface ModerationVerdict {
  flagged: boolean;
  /** OpenAI moderation category names, e.g. "sexual", "violence/graphic". Empty when not flagged. */
  categories: string[];
}

/** Optional facts about the request, used only for the audit log. */
export interface ModerationContext {
  /** The request id the client sees in the error message and `x-request-id`. */
  requestId?: string;
  /** The API's `user` field, if the client sent one. */
  user?: string;
  /** What was checked, e.g. "prompt", "image[1]", "output[2]", "partial[0]". */
  subject?: string;
}

export interface Moderator {
  /** How the request path treats blocked outputs (n > 1) and whom the error tells users to contact. */
  readonly policy?: { partialOutputs?: 'drop' | 'reject'; contact?: string };
  checkText(text: string, level: ModerationLevel, context?: ModerationContext): Promise<ModerationVerdict>;
  checkImage(
    image: RawImage,
    level: ModerationLevel,
    stage: ModerationStage,
    context?: ModerationContext,
  ): Promise<ModerationVerdict>;
}
