/**
 * Atelier's Moderator: the offline text classifier and image model, plus the optional external moderator, under one
 * policy, with every block written to the audit log.
 */
import type { RawImage } from '../imaging/raw-image.ts';
import { invalidParam } from '../contract/api-error.ts';
import { type ModerationCategory, sortCategories } from './categories.ts';
import type { ModerationContext, ModerationLevel, ModerationStage, ModerationVerdict, Moderator } from './moderator.ts';
import { type ModerationPolicy, type ModerationPolicyOverrides, resolvePolicy, textTierBlocks } from './policy.ts';
import { classifyText, type TextFinding } from './text/text-classifier.ts';
import { textModel } from './text/text-model.ts';
import { imageIsBlocked, scoreImage } from './image/image-classifier.ts';
import { loadImageModel, type NsfwScores } from './image/nsfw-model.ts';
import { ExternalModerator, ExternalModerationError } from './external-moderator.ts';
import { type AuditLog, type AuditEntry, auditEntry, fileAuditLog } from './audit-log.ts';
import { moderationUnavailableError } from './blocked-error.ts';

export interface CreateModeratorOptions {
  /** Overrides merged over DEFAULT_POLICY (policy.ts); invalid settings throw ModerationPolicyError. */
  policy?: ModerationPolicyOverrides;
  /** Full URL of an OpenAI-compatible moderations endpoint, e.g. https://api.openai.com/v1/moderations. */
  externalUrl?: string;
  /** Bearer token for the external endpoint. */
  externalKey?: string;
  /** JSON-lines file for the block audit log. No file, no log. */
  auditLogPath?: string;
  /** Another audit sink (tests, or a database); used instead of auditLogPath. */
  auditLog?: AuditLog;
  /** Load the image model now rather than on the first image (servers: avoids a slow first request). */
  preloadImageModel?: boolean;
}

/** Longest text moderated. The API caps prompts at 32000 characters; the margin covers revised prompts. */
export const MAX_MODERATED_TEXT = 64_000;

export class AtelierModerator implements Moderator {
  constructor(
    readonly policy: ModerationPolicy,
    private readonly external: ExternalModerator | null,
    private readonly audit: AuditLog | null,
  ) {}

  /** The offline classifier's findings before the policy applies; for tools and the evaluation. */
  explainText(text: string): TextFinding[] {
    return classifyText(text);
  }

  async checkText(text: string, level: ModerationLevel, context?: ModerationContext): Promise<ModerationVerdict> {
    if (typeof text !== 'string') throw invalidParam('prompt', 'Invalid prompt: expected a string.');
    if (text.length > MAX_MODERATED_TEXT) {
      throw invalidParam('prompt', `Invalid prompt: longer than ${MAX_MODERATED_TEXT} characters.`, 'string_above_max_length');
    }
    const levelPolicy = this.policy.levels[level];
    // the level's model thresholds (policy.levels.<level>.textModel) decide what the learned model adds or vetoes
    const fired = classifyText(text, levelPolicy).filter((f) => textTierBlocks(levelPolicy, f.category, f.tier));
    const categories = new Set<ModerationCategory>(fired.map((f) => f.category));
    const sources = fired.map((f) => f.rule);
    await this.askExternal(categories, sources, (ext) => ext.checkText(text, level));
    const verdict = toVerdict(categories);
    if (verdict.flagged) {
      await this.writeAudit(
        auditEntry(
          {
            stage: 'input',
            level,
            kind: 'text',
            categories: verdict.categories,
            sources,
            textLength: text.length,
            ...(this.policy.auditIncludesPrompt ? { text } : {}),
          },
          { subject: 'prompt', ...context },
        ),
      );
    }
    return verdict;
  }

  async checkImage(
    image: RawImage,
    level: ModerationLevel,
    stage: ModerationStage,
    context?: ModerationContext,
  ): Promise<ModerationVerdict> {
    const scores = await scoreImage(image, stage === 'input' ? (context?.subject ?? 'image') : null);
    const categories = new Set<ModerationCategory>();
    const sources: string[] = [];
    if (this.policy.levels[level].text.sexual !== 'off' && imageIsBlocked(scores, this.policy.levels[level].image)) {
      categories.add('sexual');
      sources.push('nsfwjs');
    }
    await this.askExternal(categories, sources, (ext) => ext.checkImage(image, level));
    const verdict = toVerdict(categories);
    if (verdict.flagged) {
      await this.writeAudit(
        auditEntry(
          {
            stage,
            level,
            kind: 'image',
            categories: verdict.categories,
            sources,
            scores: roundScores(scores),
            width: image.width,
            height: image.height,
          },
          context,
        ),
      );
    }
    return verdict;
  }

  /** Raw model scores for an image, without a verdict: for calibration tools and tests. */
  scoreImage(image: RawImage): Promise<NsfwScores> {
    return scoreImage(image);
  }

  /**
   * A failed audit write must neither unblock the request nor turn a correct block into a 500: the verdict stands and
   * the failure goes to stderr for the operator.
   */
  private async writeAudit(entry: AuditEntry): Promise<void> {
    if (!this.audit) return;
    try {
      await this.audit.record(entry);
    } catch (err) {
      console.error(`atelier moderation: audit log write failed: ${(err as Error).message}`);
    }
  }

  /**
   * The external moderator is asked only when the local checks found nothing; its categories join the verdict.
   * When it cannot answer the request fails closed (503), unless the policy chose fail-open.
   */
  private async askExternal(
    categories: Set<ModerationCategory>,
    sources: string[],
    call: (external: ExternalModerator) => Promise<ModerationCategory[]>,
  ): Promise<void> {
    if (categories.size > 0 || !this.external) return;
    let found: ModerationCategory[];
    try {
      found = await call(this.external);
    } catch (err) {
      if (err instanceof ExternalModerationError && this.policy.externalFailOpen) return;
      if (err instanceof ExternalModerationError) throw moderationUnavailableError();
      throw err;
    }
    for (const c of found) categories.add(c);
    if (found.length > 0) sources.push('external');
  }
}

function toVerdict(categories: Set<ModerationCategory>): ModerationVerdict {
  const list = sortCategories(categories);
  return { flagged: list.length > 0, categories: list };
}

function roundScores(s: NsfwScores): Record<string, number> {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
}

export async function createModerator(opts: CreateModeratorOptions = {}): Promise<AtelierModerator> {
  const policy = resolvePolicy(opts.policy);
  const external = opts.externalUrl ? new ExternalModerator(opts.externalUrl, opts.externalKey, policy) : null;
  const audit = opts.auditLog ?? (opts.auditLogPath ? fileAuditLog(opts.auditLogPath) : null);
  textModel(); // read the text model's weights now (~20 ms), not on the first prompt
  if (opts.preloadImageModel) await loadImageModel();
  return new AtelierModerator(policy, external, audit);
}
