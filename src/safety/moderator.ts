/**
 * The Moderator interface the request path calls: once on the prompt and input images (stage "input"), once on
 * every output image and partial preview (stage "output"). Implementations live beside this file.
 */
import type { RawImage } from '../imaging/raw-image.ts';

export type ModerationLevel = 'auto' | 'low';
export type ModerationStage = 'input' | 'output';

export interface ModerationVerdict {
  flagged: boolean;
  /** OpenAI moderation category names, e.g. "sexual", "violence/graphic". Empty when not flagged. */
  categories: string[];
}

export interface Moderator {
  checkText(text: string, level: ModerationLevel): Promise<ModerationVerdict>;
  checkImage(image: RawImage, level: ModerationLevel, stage: ModerationStage): Promise<ModerationVerdict>;
}
