/**
 * Audit log of blocks, one JSON object per line. It never holds image data and holds prompt text only when the
 * operator opts in (`auditIncludesPrompt`): by default a line says who, when, which stage, which categories and
 * which rules fired, which is what a reviewer needs to spot abuse or a misfiring rule.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ModerationContext, ModerationLevel, ModerationStage } from './moderator.ts';

export interface AuditEntry {
  time: string;
  requestId: string | null;
  user: string | null;
  stage: ModerationStage;
  level: ModerationLevel;
  kind: 'text' | 'image';
  subject: string | null;
  categories: string[];
  /** Which checks fired: lexicon rule ids, "nsfwjs", "external". */
  sources: string[];
  /** Image stage only: the model's scores, rounded. */
  scores?: Record<string, number>;
  /** Image stage only. */
  width?: number;
  height?: number;
  /** Text stage: character count always; the text itself only with the operator's opt-in. */
  textLength?: number;
  text?: string;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

/**
 * Appends to `path` (created with mode 0600), writes serialised so lines never interleave. A failed write rejects
 * that record's promise only; later records still try to write.
 */
export function fileAuditLog(path: string): AuditLog {
  let queue: Promise<unknown> = mkdir(dirname(path), { recursive: true });
  return {
    record(entry: AuditEntry): Promise<void> {
      const line = JSON.stringify(entry) + '\n';
      const write = queue.catch(() => undefined).then(() => appendFile(path, line, { mode: 0o600 }));
      queue = write;
      return write;
    },
  };
}

export function auditEntry(
  base: Omit<AuditEntry, 'time' | 'requestId' | 'user' | 'subject'>,
  context: ModerationContext | undefined,
): AuditEntry {
  return {
    time: new Date().toISOString(),
    requestId: context?.requestId ?? null,
    user: context?.user ?? null,
    subject: context?.subject ?? null,
    ...base,
  };
}
