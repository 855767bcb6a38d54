/**
 * `atelier usage`: what was billed, from the ledger. Totals per model, key, project, end user, source or day over a
 * period, with tokens by kind and cost; `--json` for scripts, `--rows` for the raw ledger rows (audits).
 */
import { parseArgs } from 'node:util';
import { atelierHome } from '../../config/config.ts';
import { createMetering, formatUsd, type Metering } from '../../metering/metering.ts';
import type { AggregateRow, GroupField } from '../../metering/store.ts';

export const summary = 'Report billed usage and cost from the ledger';

const HELP = `Usage: atelier usage [options]

Options:
  --since <date>   start (YYYY-MM-DD, YYYY-MM, ISO time or unix seconds; default: start of this month, UTC)
  --until <date>   end, exclusive (default: now)
  --by <what>      model (default), key, project, user, source, size, day or none
  --rows           print ledger rows (one per request) instead of totals, up to --limit
  --limit <n>      rows to print with --rows (default 100)
  --json           machine-readable output
  --home <dir>     Atelier home (default $ATELIER_HOME or ~/.atelier)
  -h, --help       show this help`;

const BY: Record<string, GroupField | 'day' | 'none'> = {
  model: 'model',
  key: 'api_key_id',
  project: 'project_id',
  user: 'user_id',
  source: 'source',
  size: 'size',
  day: 'day',
  none: 'none',
};

class UsageError extends Error {}

/** Unix seconds for a date argument; dates without a zone are UTC. */
export function parseWhen(text: string, flag: string): number {
  if (/^\d{9,11}$/.test(text)) return Number(text);
  const iso = /^\d{4}-\d{2}$/.test(text) ? `${text}-01T00:00:00Z` : /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new UsageError(`--${flag}: cannot read '${text}' as a date (try 2026-11-01)`);
  return Math.floor(ms / 1000);
}

function startOfMonth(nowMs: number): number {
  const d = new Date(nowMs);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / 1000;
}

interface Line {
  group: string;
  requests: number;
  images: number;
  textInputTokens: number;
  imageInputTokens: number;
  outputTokens: number;
  costNano: number;
}

function lineOf(group: string, r: AggregateRow): Line {
  return {
    group,
    requests: r.requests,
    images: r.images,
    textInputTokens: r.textInputTokens,
    imageInputTokens: r.imageInputTokens,
    outputTokens: r.imageOutputTokens + r.textOutputTokens,
    costNano: r.costTextInputNano + r.costImageInputNano + r.costImageOutputNano + r.costTextOutputNano,
  };
}

function printTable(lines: Line[], heading: string): void {
  const header = [heading.padEnd(28), 'requests', '  images', '  text in', ' image in', '  output', '        cost'];
  console.log(header.join(' '));
  for (const l of lines) {
    console.log(
      [
        l.group.slice(0, 28).padEnd(28),
        String(l.requests).padStart(8),
        String(l.images).padStart(8),
        String(l.textInputTokens).padStart(9),
        String(l.imageInputTokens).padStart(9),
        String(l.outputTokens).padStart(8),
        formatUsd(l.costNano).padStart(12),
      ].join(' '),
    );
  }
}

async function report(metering: Metering, v: { since?: string; until?: string; by?: string; rows?: boolean; limit?: string; json?: boolean }): Promise<number> {
  const now = Date.now();
  const since = v.since ? parseWhen(v.since, 'since') : startOfMonth(now);
  const until = v.until ? parseWhen(v.until, 'until') : Math.ceil(now / 1000) + 1;
  if (until <= since) throw new UsageError('--until must be after --since');
  if (v.rows) {
    const limit = Number(v.limit ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1_000_000) throw new UsageError('--limit must be 1..1000000');
    const rows = await metering.store.rows(since * 1000, until * 1000, limit);
    if (v.json) console.log(JSON.stringify(rows, null, 2));
    else {
      for (const r of rows) {
        console.log(
          `${new Date(r.createdAt).toISOString()} ${r.requestId} ${r.status} ${r.httpStatus} ${r.keyId ?? 'anonymous'} ` +
            `${r.model} ${r.source} n=${r.n} ${r.size ?? '-'} ${r.quality ?? '-'} in=${r.textInputTokens}+${r.imageInputTokens} ` +
            `out=${r.imageOutputTokens + r.textOutputTokens} ${formatUsd(r.costNano)} ${r.latencyMs}ms`,
        );
      }
    }
    return 0;
  }
  const by = BY[v.by ?? 'model'];
  if (!by) throw new UsageError(`--by must be one of ${Object.keys(BY).join(', ')}`);
  const groupBy: GroupField[] = by === 'day' || by === 'none' ? [] : [by];
  const bucketSeconds = by === 'day' ? 86_400 : until - since;
  const rows = await metering.store.aggregate({ startTime: since, endTime: until, bucketSeconds, groupBy });
  const names = new Map((await metering.store.listKeys()).map((k) => [k.id, `${k.name} (${k.id})`]));
  const label = (r: AggregateRow): string => {
    if (by === 'day') return new Date((since + r.bucket * 86_400) * 1000).toISOString().slice(0, 10);
    if (by === 'none') return 'all';
    const value = r.group[by] ?? null;
    if (by === 'api_key_id') return value === null ? 'anonymous' : (names.get(value) ?? value);
    return value ?? '(none)';
  };
  const lines = rows.map((r) => lineOf(label(r), r));
  const total = lines.reduce<Line>(
    (t, l) => ({
      group: 'total',
      requests: t.requests + l.requests,
      images: t.images + l.images,
      textInputTokens: t.textInputTokens + l.textInputTokens,
      imageInputTokens: t.imageInputTokens + l.imageInputTokens,
      outputTokens: t.outputTokens + l.outputTokens,
      costNano: t.costNano + l.costNano,
    }),
    { group: 'total', requests: 0, images: 0, textInputTokens: 0, imageInputTokens: 0, outputTokens: 0, costNano: 0 },
  );
  const period = `${new Date(since * 1000).toISOString()} .. ${new Date(until * 1000).toISOString()}`;
  if (v.json) {
    const usd = (l: Line) => ({ ...l, costUsd: l.costNano / 1e9 });
    console.log(JSON.stringify({ since, until, by: v.by ?? 'model', lines: lines.map(usd), total: usd(total) }, null, 2));
    return 0;
  }
  console.log(`Succeeded requests, ${period}`);
  printTable([...lines, total], v.by ?? 'model');
  return 0;
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        by: { type: 'string' },
        rows: { type: 'boolean' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        home: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (err) {
    console.error(`atelier usage: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(HELP);
    return 0;
  }
  const metering = createMetering({ home: parsed.values.home ?? atelierHome() });
  try {
    return await report(metering, parsed.values);
  } catch (err) {
    console.error(`atelier usage: ${(err as Error).message}`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    await metering.close();
  }
}
