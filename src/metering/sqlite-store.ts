/**
 * The embedded MeteringStore: one SQLite file in WAL mode with synchronous=FULL, so a committed ledger row survives a
 * SIGKILL or a power cut, readers (`atelier usage`, the usage API) never block the writer, and a half-written
 * transaction is rolled back on the next open.
 */
import Database from 'better-sqlite3';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { KeyRole } from './api-keys.ts';
import {
  monthOf,
  type AggregateQuery,
  type AggregateRow,
  type GroupField,
  type IdempotencyRecord,
  type KeyLimits,
  type KeyRecord,
  type LedgerRow,
  type MeteringStore,
  type StoredResponse,
} from './store.ts';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('user', 'admin')),
  project_id TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  redacted TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER,
  rpm INTEGER, ipm INTEGER, tpm INTEGER, monthly_budget_nano INTEGER
);
CREATE TABLE IF NOT EXISTS ledger (
  request_id TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  key_id TEXT,
  project_id TEXT,
  end_user TEXT,
  model TEXT NOT NULL,
  source TEXT NOT NULL,
  n INTEGER NOT NULL,
  size TEXT,
  quality TEXT,
  text_input_tokens INTEGER NOT NULL,
  image_input_tokens INTEGER NOT NULL,
  image_output_tokens INTEGER NOT NULL,
  text_output_tokens INTEGER NOT NULL,
  cost_text_input_nano INTEGER NOT NULL,
  cost_image_input_nano INTEGER NOT NULL,
  cost_image_output_nano INTEGER NOT NULL,
  cost_text_output_nano INTEGER NOT NULL,
  cost_nano INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
  http_status INTEGER NOT NULL,
  error_code TEXT,
  latency_ms INTEGER NOT NULL,
  idempotency_key TEXT
);
CREATE INDEX IF NOT EXISTS ledger_by_time ON ledger (created_at);
CREATE INDEX IF NOT EXISTS ledger_by_key_time ON ledger (key_id, created_at);
CREATE TABLE IF NOT EXISTS idempotent_responses (
  scope TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  request_id TEXT NOT NULL REFERENCES ledger (request_id),
  fingerprint TEXT,
  status INTEGER NOT NULL,
  body TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (scope, idem_key)
);
CREATE INDEX IF NOT EXISTS idempotent_by_time ON idempotent_responses (created_at);
CREATE TABLE IF NOT EXISTS monthly_spend (
  scope TEXT NOT NULL,
  month TEXT NOT NULL,
  cost_nano INTEGER NOT NULL,
  PRIMARY KEY (scope, month)
);
`;

interface KeyDbRow {
  id: string;
  name: string;
  role: KeyRole;
  project_id: string;
  secret_hash: string;
  redacted: string;
  created_at: number;
  revoked_at: number | null;
  rpm: number | null;
  ipm: number | null;
  tpm: number | null;
  monthly_budget_nano: number | null;
}

interface LedgerDbRow {
  request_id: string;
  created_at: number;
  key_id: string | null;
  project_id: string | null;
  end_user: string | null;
  model: string;
  source: LedgerRow['source'];
  n: number;
  size: string | null;
  quality: string | null;
  text_input_tokens: number;
  image_input_tokens: number;
  image_output_tokens: number;
  text_output_tokens: number;
  cost_text_input_nano: number;
  cost_image_input_nano: number;
  cost_image_output_nano: number;
  cost_text_output_nano: number;
  cost_nano: number;
  status: LedgerRow['status'];
  http_status: number;
  error_code: string | null;
  latency_ms: number;
  idempotency_key: string | null;
}

function keyFromDb(r: KeyDbRow): KeyRecord {
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    projectId: r.project_id,
    hash: r.secret_hash,
    redacted: r.redacted,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
    limits: {
      requestsPerMinute: r.rpm,
      imagesPerMinute: r.ipm,
      tokensPerMinute: r.tpm,
      monthlyBudgetNano: r.monthly_budget_nano,
    },
  };
}

function ledgerFromDb(r: LedgerDbRow): LedgerRow {
  return {
    requestId: r.request_id,
    createdAt: r.created_at,
    keyId: r.key_id,
    projectId: r.project_id,
    endUser: r.end_user,
    model: r.model,
    source: r.source,
    n: r.n,
    size: r.size,
    quality: r.quality,
    textInputTokens: r.text_input_tokens,
    imageInputTokens: r.image_input_tokens,
    imageOutputTokens: r.image_output_tokens,
    textOutputTokens: r.text_output_tokens,
    costTextInputNano: r.cost_text_input_nano,
    costImageInputNano: r.cost_image_input_nano,
    costImageOutputNano: r.cost_image_output_nano,
    costTextOutputNano: r.cost_text_output_nano,
    costNano: r.cost_nano,
    status: r.status,
    httpStatus: r.http_status,
    errorCode: r.error_code,
    latencyMs: r.latency_ms,
    idempotencyKey: r.idempotency_key,
  };
}

/** Ledger columns a usage query may group or filter by; the only strings ever spliced into SQL. */
const GROUP_COLUMNS: Record<GroupField, string> = {
  model: 'model',
  source: 'source',
  size: 'size',
  project_id: 'project_id',
  user_id: 'end_user',
  api_key_id: 'key_id',
};

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT') === true;
}

export class SqliteMeteringStore implements MeteringStore {
  readonly path: string;
  private readonly db: Database.Database;
  private readonly insertLedger: Database.Statement;
  private readonly insertResponse: Database.Statement;
  private readonly addSpend: Database.Statement;

  constructor(path: string) {
    this.path = path;
    const fresh = path !== ':memory:' && !existsSync(path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    this.db = new Database(path);
    // Key hashes and billing data: readable by the operator only.
    if (fresh) chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    // The CLI and the server write the same file; wait for the other writer instead of failing with SQLITE_BUSY.
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma('foreign_keys = ON');
    const version = this.db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new Error(`metering: ${path} has schema v${version}, newer than this Atelier (v${SCHEMA_VERSION})`);
    }
    this.db.exec(SCHEMA);
    this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    this.insertLedger = this.db.prepare(`INSERT INTO ledger VALUES (
      @requestId, @createdAt, @keyId, @projectId, @endUser, @model, @source, @n, @size, @quality,
      @textInputTokens, @imageInputTokens, @imageOutputTokens, @textOutputTokens,
      @costTextInputNano, @costImageInputNano, @costImageOutputNano, @costTextOutputNano, @costNano,
      @status, @httpStatus, @errorCode, @latencyMs, @idempotencyKey)`);
    this.insertResponse = this.db.prepare(
      `INSERT INTO idempotent_responses VALUES (@scope, @key, @requestId, @fingerprint, @status, @body, @createdAt)`,
    );
    this.addSpend = this.db.prepare(`INSERT INTO monthly_spend (scope, month, cost_nano) VALUES (?, ?, ?)
      ON CONFLICT (scope, month) DO UPDATE SET cost_nano = cost_nano + excluded.cost_nano`);
  }

  async insertKey(key: KeyRecord): Promise<void> {
    this.db
      .prepare(`INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
        key.id,
        key.name,
        key.role,
        key.projectId,
        key.hash,
        key.redacted,
        key.createdAt,
        key.revokedAt,
        key.limits.requestsPerMinute,
        key.limits.imagesPerMinute,
        key.limits.tokensPerMinute,
        key.limits.monthlyBudgetNano,
      );
  }

  async findActiveKey(hash: string): Promise<KeyRecord | undefined> {
    const row = this.db
      .prepare(`SELECT * FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL`)
      .get(hash) as KeyDbRow | undefined;
    return row ? keyFromDb(row) : undefined;
  }

  async listKeys(): Promise<KeyRecord[]> {
    return (this.db.prepare(`SELECT * FROM api_keys ORDER BY created_at, id`).all() as KeyDbRow[]).map(keyFromDb);
  }

  async countActiveKeys(role?: KeyRole): Promise<number> {
    const sql = `SELECT COUNT(*) AS c FROM api_keys WHERE revoked_at IS NULL${role ? ' AND role = ?' : ''}`;
    const row = (role ? this.db.prepare(sql).get(role) : this.db.prepare(sql).get()) as { c: number };
    return row.c;
  }

  async revokeKey(idOrName: string, at: number): Promise<KeyRecord | undefined> {
    return this.db.transaction(() => {
      const matches = this.db
        .prepare(`SELECT * FROM api_keys WHERE (id = ? OR name = ?) AND revoked_at IS NULL`)
        .all(idOrName, idOrName) as KeyDbRow[];
      if (matches.length !== 1) {
        if (matches.length > 1) throw new Error(`more than one active key is named '${idOrName}'; revoke by id`);
        return undefined;
      }
      this.db.prepare(`UPDATE api_keys SET revoked_at = ? WHERE id = ?`).run(at, matches[0].id);
      return keyFromDb({ ...matches[0], revoked_at: at });
    })();
  }

  async setLimits(id: string, limits: KeyLimits): Promise<boolean> {
    const info = this.db
      .prepare(`UPDATE api_keys SET rpm = ?, ipm = ?, tpm = ?, monthly_budget_nano = ? WHERE id = ?`)
      .run(limits.requestsPerMinute, limits.imagesPerMinute, limits.tokensPerMinute, limits.monthlyBudgetNano, id);
    return info.changes === 1;
  }

  async findResponse(scope: string, key: string): Promise<StoredResponse | undefined> {
    const row = this.db
      .prepare(`SELECT request_id, fingerprint, status, body FROM idempotent_responses WHERE scope = ? AND idem_key = ?`)
      .get(scope, key) as { request_id: string; fingerprint: string | null; status: number; body: string | null } | undefined;
    return row ? { requestId: row.request_id, fingerprint: row.fingerprint, status: row.status, body: row.body } : undefined;
  }

  async record(row: LedgerRow, response?: IdempotencyRecord): Promise<'recorded' | 'duplicate'> {
    const write = this.db.transaction(() => {
      this.insertLedger.run(row);
      if (response) this.insertResponse.run({ ...response, createdAt: row.createdAt });
      if (row.costNano > 0) this.addSpend.run(row.keyId ?? 'anonymous', monthOf(row.createdAt), row.costNano);
    });
    try {
      write();
      return 'recorded';
    } catch (err) {
      if (isUniqueViolation(err)) return 'duplicate';
      throw err;
    }
  }

  async monthSpend(scope: string, month: string): Promise<number> {
    const row = this.db
      .prepare(`SELECT cost_nano FROM monthly_spend WHERE scope = ? AND month = ?`)
      .get(scope, month) as { cost_nano: number } | undefined;
    return row?.cost_nano ?? 0;
  }

  async aggregate(q: AggregateQuery): Promise<AggregateRow[]> {
    const where = [`status = 'succeeded'`, `created_at >= @startMs`, `created_at < @endMs`];
    const params: Record<string, string | number> = { startMs: q.startTime * 1000, endMs: q.endTime * 1000 };
    const filters: Array<[GroupField, string[] | undefined]> = [
      ['model', q.models],
      ['source', q.sources],
      ['size', q.sizes],
      ['project_id', q.projectIds],
      ['user_id', q.userIds],
      ['api_key_id', q.apiKeyIds],
    ];
    for (const [field, values] of filters) {
      if (!values || values.length === 0) continue;
      const names = values.map((v, i) => {
        params[`${field}_${i}`] = v;
        return `@${field}_${i}`;
      });
      where.push(`${GROUP_COLUMNS[field]} IN (${names.join(', ')})`);
    }
    params.bucketMs = q.bucketSeconds * 1000;
    const groupCols = q.groupBy.map((g) => `${GROUP_COLUMNS[g]} AS g_${g}`);
    // CAST: bound JS numbers may arrive as REAL, and the division must be an integer bucket index.
    const sql = `SELECT CAST((created_at - @startMs) / @bucketMs AS INTEGER) AS bucket${groupCols.map((c) => `, ${c}`).join('')},
        SUM(n) AS images, COUNT(*) AS requests,
        SUM(text_input_tokens) AS tin, SUM(image_input_tokens) AS iin,
        SUM(image_output_tokens) AS iout, SUM(text_output_tokens) AS tout,
        SUM(cost_text_input_nano) AS ctin, SUM(cost_image_input_nano) AS ciin,
        SUM(cost_image_output_nano) AS ciout, SUM(cost_text_output_nano) AS ctout
      FROM ledger WHERE ${where.join(' AND ')}
      GROUP BY bucket${q.groupBy.map((g) => `, g_${g}`).join('')}
      ORDER BY bucket${q.groupBy.map((g) => `, g_${g}`).join('')}`;
    const rows = this.db.prepare(sql).all(params) as Array<Record<string, number | string | null>>;
    return rows.map((r) => ({
      bucket: Number(r.bucket),
      group: Object.fromEntries(q.groupBy.map((g) => [g, (r[`g_${g}`] as string | null) ?? null])),
      images: Number(r.images),
      requests: Number(r.requests),
      textInputTokens: Number(r.tin),
      imageInputTokens: Number(r.iin),
      imageOutputTokens: Number(r.iout),
      textOutputTokens: Number(r.tout),
      costTextInputNano: Number(r.ctin),
      costImageInputNano: Number(r.ciin),
      costImageOutputNano: Number(r.ciout),
      costTextOutputNano: Number(r.ctout),
    }));
  }

  async rows(fromMs: number, toMs: number, limit: number): Promise<LedgerRow[]> {
    return (
      this.db
        .prepare(`SELECT * FROM ledger WHERE created_at >= ? AND created_at < ? ORDER BY created_at, request_id LIMIT ?`)
        .all(fromMs, toMs, limit) as LedgerDbRow[]
    ).map(ledgerFromDb);
  }

  async pruneResponses(beforeMs: number): Promise<number> {
    return this.db.prepare(`DELETE FROM idempotent_responses WHERE created_at < ?`).run(beforeMs).changes;
  }

  /** `PRAGMA integrity_check` result; 'ok' when the file is sound. Used by the crash test. */
  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
