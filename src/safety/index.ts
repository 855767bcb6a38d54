/** Public surface of the safety module: what the server and CLI import. */
export type { Moderator, ModerationVerdict, ModerationLevel, ModerationStage, ModerationContext } from './moderator.ts';
export { MODERATION_CATEGORIES, type ModerationCategory } from './categories.ts';
export {
  DEFAULT_POLICY,
  resolvePolicy,
  ModerationPolicyError,
  type ModerationPolicy,
  type ModerationPolicyOverrides,
} from './policy.ts';
export { createModerator, AtelierModerator, type CreateModeratorOptions } from './create-moderator.ts';
export { moderationBlockedError, moderationUnavailableError } from './blocked-error.ts';
export { moderateInput, moderateOutputs, moderatePartial, type GateOptions, type OutputModeration } from './gate.ts';
export { fileAuditLog, type AuditLog, type AuditEntry } from './audit-log.ts';
