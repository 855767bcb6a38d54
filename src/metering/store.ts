/**
 * The storage seam of metering. Everything durable goes through this interface: API keys, the ledger (one row per
 * request), idempotent responses and month-to-date spend. It is asynchronous on purpose even though the embedded
 * SQLite implementation is synchronous underneath: a PostgreSQL implementation (pg pool, `BEGIN ... COMMIT`) fits the
 * same shape without touching callers. SQL is kept to what both dialects share (integer math, GROUP BY, upserts).
 */
import type { KeyRole } from './api-keys.ts';

/** Per-key limits; null means unlimited. */
export interface KeyLimits {
  requestsPerMinute: number | null;
  imagesPerMinute: number | null;
  tokensPerMinute: number | null;
  /** Month-to-date spend cap (calendar month, UTC), in nano-dollars. */
  monthlyBudgetNano: number | null;
}

export const NO_LIMITS: KeyLimits = Object.freeze({
  requestsPerMinute: null,
  imagesPerMinute: null,
  tokensPerMinute: null,
  monthlyBudgetNano: null,
});

export interface KeyRecord {
  id: string;
  name: string;
  role: KeyRole;
  projectId: string;
  hash: string;
  /** e.g. `sk-atelier-...x9Qa`: enough to recognise a key in a list, useless to an attacker. */
  redacted: string;
  createdAt: number;
  revokedAt: number | null;
  limits: KeyLimits;
}

export type ImageSource = 'image.generation' | 'image.edit' | 'image.variation';

/** One request, as billed. Token and cost fields are whole numbers; costs in nano-dollars. */
export interface LedgerRow {
  requestId: string;
  /** Unix milliseconds when the row was written. */
  createdAt: number;
  keyId: string | null;
  projectId: string | null;
  /** The end-user id the client sent in `user`, if any; lets a platform bill its own users. */
  endUser: string | null;
  model: string;
  source: ImageSource;
  n: number;
  size: string | null;
  quality: string | null;
  textInputTokens: number;
  imageInputTokens: number;
  imageOutputTokens: number;
  textOutputTokens: number;
  costTextInputNano: number;
  costImageInputNano: number;
  costImageOutputNano: number;
  costTextOutputNano: number;
  costNano: number;
  status: 'succeeded' | 'failed';
  httpStatus: number;
  errorCode: string | null;
  latencyMs: number;
  idempotencyKey: string | null;
}

/** A finished response kept so a retry with the same Idempotency-Key gets it back instead of a second run. */
export interface StoredResponse {
  requestId: string;
  fingerprint: string | null;
  status: number;
  /** JSON text of the body, or null when it was too large to keep. */
  body: string | null;
}

export interface IdempotencyRecord extends StoredResponse {
  scope: string;
  key: string;
}

export type GroupField = 'model' | 'source' | 'size' | 'project_id' | 'user_id' | 'api_key_id';

export interface AggregateQuery {
  /** Unix seconds, inclusive / exclusive. */
  startTime: number;
  endTime: number;
  bucketSeconds: number;
  groupBy: GroupField[];
  models?: string[];
  sources?: string[];
  sizes?: string[];
  projectIds?: string[];
  userIds?: string[];
  apiKeyIds?: string[];
}

export interface AggregateRow {
  /** Index of the bucket counted from `startTime`. */
  bucket: number;
  group: Partial<Record<GroupField, string | null>>;
  images: number;
  requests: number;
  textInputTokens: number;
  imageInputTokens: number;
  imageOutputTokens: number;
  textOutputTokens: number;
  costTextInputNano: number;
  costImageInputNano: number;
  costImageOutputNano: number;
  costTextOutputNano: number;
}

export interface MeteringStore {
  insertKey(key: KeyRecord): Promise<void>;
  /** Active (not revoked) key by secret hash. */
  findActiveKey(hash: string): Promise<KeyRecord | undefined>;
  listKeys(): Promise<KeyRecord[]>;
  countActiveKeys(role?: KeyRole): Promise<number>;
  /** Revokes by id or by exact name; returns the revoked key or undefined when none matched. */
  revokeKey(idOrName: string, at: number): Promise<KeyRecord | undefined>;
  setLimits(id: string, limits: KeyLimits): Promise<boolean>;

  findResponse(scope: string, key: string): Promise<StoredResponse | undefined>;
  /**
   * Writes the ledger row, the idempotent response (when given) and the month's spend in ONE transaction, so a crash
   * leaves either all of them or none. Returns 'duplicate' (and writes nothing) when the request id or the
   * idempotency key was already recorded.
   */
  record(row: LedgerRow, response?: IdempotencyRecord): Promise<'recorded' | 'duplicate'>;
  /** Nano-dollars spent by a key (or 'anonymous') in a `YYYY-MM` UTC month. */
  monthSpend(scope: string, month: string): Promise<number>;
  aggregate(query: AggregateQuery): Promise<AggregateRow[]>;
  /** Rows in time order, for the CLI report and audits. */
  rows(fromMs: number, toMs: number, limit: number): Promise<LedgerRow[]>;
  /** Forgets stored responses older than the cutoff (unix ms); ledger rows are never deleted. */
  pruneResponses(beforeMs: number): Promise<number>;
  close(): Promise<void>;
}

export function monthOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 7);
}
