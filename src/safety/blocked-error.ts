/**
 * The error a client gets when moderation blocks its request, in OpenAI's gpt-image shape: HTTP 400,
 * `image_generation_user_error`, code `moderation_blocked`, and `moderation_details` naming the stage and categories.
 */
import { ApiError } from '../contract/api-error.ts';
import type { ModerationStage } from './moderator.ts';

export function moderationBlockedError(
  stage: ModerationStage,
  categories: readonly string[],
  requestId: string,
  contact = 'contact the operator of this server',
): ApiError {
  const list = [...categories];
  return new ApiError({
    status: 400,
    type: 'image_generation_user_error',
    code: 'moderation_blocked',
    param: null,
    message:
      `Your request was rejected by the safety system. If you believe this is an error, ${contact} and include ` +
      `the request ID ${requestId}. safety_violations=[${list.join(', ')}].`,
    extra: { moderation_details: { moderation_stage: stage, categories: list } },
  });
}

/** 503 when the configured external moderator cannot answer and the policy fails closed. */
export function moderationUnavailableError(): ApiError {
  return new ApiError({
    status: 503,
    type: 'server_error',
    code: 'moderation_unavailable',
    message: 'The safety system is temporarily unavailable, so the request was not processed. Please retry.',
    headers: { 'retry-after': '5' },
  });
}
