/** Turning a flagged moderation verdict into OpenAI's `moderation_blocked` error (reference §4). */
import { ApiError } from '../contract/api-error.ts';
import type { ModerationStage, ModerationVerdict } from '../safety/moderator.ts';

export function moderationBlocked(stage: ModerationStage, categories: string[], requestId: string): ApiError {
  return new ApiError({
    status: 400,
    type: 'image_generation_user_error',
    message:
      'Your request was rejected by the safety system. If you believe this is an error, contact the administrator ' +
      `of this server and include the request ID ${requestId}. safety_violations=[${categories.join(', ')}].`,
    param: null,
    code: 'moderation_blocked',
    extra: { moderation_details: { moderation_stage: stage, categories } },
  });
}

export function throwIfFlagged(verdict: ModerationVerdict, stage: ModerationStage, requestId: string): void {
  if (verdict.flagged) throw moderationBlocked(stage, verdict.categories, requestId);
}
