/**
 * OpenAI's organization usage and costs pages (`GET /v1/organization/usage/images`, `GET /v1/organization/costs`)
 * built from the ledger: query parsing with OpenAI's parameter names and limits, time buckets (empty ones included,
 * as OpenAI returns them), group_by, filters and cursor paging.
 */
import { invalidParam } from '../contract/api-error.ts';
import { nanoToUsd } from './price-table.ts';
import type { AggregateQuery, AggregateRow, GroupField, MeteringStore } from './store.ts';

export type QueryValue = string | string[] | undefined;
export type RawQuery = Record<string, unknown>;

const BUCKETS = {
  '1m': { seconds: 60, defaultLimit: 60, maxLimit: 1440 },
  '1h': { seconds: 3600, defaultLimit: 24, maxLimit: 168 },
  '1d': { seconds: 86400, defaultLimit: 7, maxLimit: 31 },
} as const;
type BucketWidth = keyof typeof BUCKETS;

const IMAGE_GROUPS: readonly GroupField[] = ['project_id', 'user_id', 'api_key_id', 'model', 'size', 'source'];
const SOURCES = ['image.generation', 'image.edit', 'image.variation'];
const MAX_FILTER_VALUES = 100;

export interface Page<T> {
  object: 'page';
  data: Array<{ object: 'bucket'; start_time: number; end_time: number; results: T[] }>;
  has_more: boolean;
  next_page: string | null;
}

export interface ImagesUsageResult {
  object: 'organization.usage.images.result';
  images: number;
  num_model_requests: number;
  source: string | null;
  size: string | null;
  project_id: string | null;
  user_id: string | null;
  api_key_id: string | null;
  model: string | null;
}

export interface CostsResult {
  object: 'organization.costs.result';
  amount: { value: number; currency: 'usd' };
  line_item: string | null;
  project_id: string | null;
}

/** Every value of a query parameter, accepting `k=a&k=b`, `k[]=a` and `k=a,b`. */
function values(query: RawQuery, name: string): string[] {
  const raw = [query[name], query[`${name}[]`]].flat().filter((v) => v !== undefined);
  const out: string[] = [];
  for (const v of raw) {
    if (typeof v !== 'string') throw invalidParam(name, `Invalid '${name}': expected a string.`, 'invalid_type');
    out.push(...v.split(',').map((s) => s.trim()).filter((s) => s.length > 0));
  }
  if (out.length > MAX_FILTER_VALUES) {
    throw invalidParam(name, `Invalid '${name}': at most ${MAX_FILTER_VALUES} values are allowed.`);
  }
  return out;
}

function single(query: RawQuery, name: string): string | undefined {
  const all = values(query, name);
  if (all.length > 1) throw invalidParam(name, `Invalid '${name}': expected a single value.`);
  return all[0];
}

function integer(query: RawQuery, name: string, min: number, max: number): number | undefined {
  const text = single(query, name);
  if (text === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw invalidParam(name, `Invalid '${name}': expected an integer between ${min} and ${max}, got '${text.slice(0, 40)}'.`);
  }
  return Number(text);
}

function oneOf<T extends string>(name: string, got: string[], allowed: readonly T[]): T[] {
  for (const v of got) {
    if (!(allowed as readonly string[]).includes(v)) {
      throw invalidParam(
        name,
        `Invalid value: '${v.slice(0, 40)}'. Supported values are: ${allowed.map((a) => `'${a}'`).join(', ')}.`,
      );
    }
  }
  return got as T[];
}

interface Window {
  startTime: number;
  endTime: number;
  bucketSeconds: number;
  pageStart: number;
  pageEnd: number;
}

/** Parses start/end/bucket/limit/page into the bucket window this page covers. */
function window(query: RawQuery, nowSec: number, widths: readonly BucketWidth[], limitMax?: number, limitDefault?: number): Window {
  const startTime = integer(query, 'start_time', 0, 1e11);
  if (startTime === undefined) throw invalidParam('start_time', "Missing required parameter: 'start_time'.", 'missing_required_parameter');
  // Without end_time the range runs to now, this second included.
  const endTime = integer(query, 'end_time', 0, 1e11) ?? Math.max(nowSec + 1, startTime + 1);
  if (endTime <= startTime) throw invalidParam('end_time', "Invalid 'end_time': it must be after 'start_time'.");
  const widthName = oneOf('bucket_width', values(query, 'bucket_width'), widths)[0] ?? widths[widths.length - 1];
  const width = BUCKETS[widthName];
  const limit = integer(query, 'limit', 1, limitMax ?? width.maxLimit) ?? limitDefault ?? width.defaultLimit;
  let pageStart = startTime;
  const page = single(query, 'page');
  if (page !== undefined) {
    const match = /^t(\d{1,12})$/.exec(Buffer.from(page, 'base64url').toString('utf8'));
    const at = match ? Number(match[1]) : NaN;
    if (!(at > startTime && at < endTime && (at - startTime) % width.seconds === 0)) {
      throw invalidParam('page', "Invalid 'page': use the 'next_page' cursor of the previous response unchanged.");
    }
    pageStart = at;
  }
  const pageEnd = Math.min(endTime, pageStart + limit * width.seconds);
  return { startTime, endTime, bucketSeconds: width.seconds, pageStart, pageEnd };
}

function cursor(at: number): string {
  return Buffer.from(`t${at}`, 'utf8').toString('base64url');
}

function pageOf<T>(w: Window, rows: AggregateRow[], toResults: (rows: AggregateRow[]) => T[]): Page<T> {
  const byBucket = new Map<number, AggregateRow[]>();
  for (const row of rows) byBucket.set(row.bucket, [...(byBucket.get(row.bucket) ?? []), row]);
  const data: Page<T>['data'] = [];
  for (let start = w.pageStart, i = 0; start < w.pageEnd; start += w.bucketSeconds, i++) {
    data.push({
      object: 'bucket',
      start_time: start,
      end_time: Math.min(start + w.bucketSeconds, w.endTime),
      results: toResults(byBucket.get(i) ?? []),
    });
  }
  const hasMore = w.pageEnd < w.endTime;
  return { object: 'page', data, has_more: hasMore, next_page: hasMore ? cursor(w.pageEnd) : null };
}

function aggregateQuery(w: Window, query: RawQuery, groupBy: GroupField[]): AggregateQuery {
  return {
    startTime: w.pageStart,
    endTime: w.pageEnd,
    bucketSeconds: w.bucketSeconds,
    groupBy,
    projectIds: values(query, 'project_ids'),
    userIds: values(query, 'user_ids'),
    apiKeyIds: values(query, 'api_key_ids'),
    models: values(query, 'models'),
    sizes: values(query, 'sizes'),
    sources: oneOf('sources', values(query, 'sources'), SOURCES),
  };
}

export async function imagesUsagePage(store: MeteringStore, query: RawQuery, nowSec: number): Promise<Page<ImagesUsageResult>> {
  const w = window(query, nowSec, ['1m', '1h', '1d']);
  const groupBy = oneOf('group_by', values(query, 'group_by'), IMAGE_GROUPS);
  const rows = await store.aggregate(aggregateQuery(w, query, groupBy));
  return pageOf(w, rows, (bucket) =>
    bucket.map((r) => ({
      object: 'organization.usage.images.result' as const,
      images: r.images,
      num_model_requests: r.requests,
      source: r.group.source ?? null,
      size: r.group.size ?? null,
      project_id: r.group.project_id ?? null,
      user_id: r.group.user_id ?? null,
      api_key_id: r.group.api_key_id ?? null,
      model: r.group.model ?? null,
    })),
  );
}

/** Costs line items name the model and the kind of token, like OpenAI's `gpt-4o-2024-08-06, input`. */
function lineItems(r: AggregateRow): Array<[string, number]> {
  const model = r.group.model ?? 'unknown';
  return [
    [`${model}, text input`, r.costTextInputNano],
    [`${model}, image input`, r.costImageInputNano],
    [`${model}, image output`, r.costImageOutputNano],
    [`${model}, text output`, r.costTextOutputNano],
  ];
}

function totalNano(r: AggregateRow): number {
  return r.costTextInputNano + r.costImageInputNano + r.costImageOutputNano + r.costTextOutputNano;
}

export async function costsPage(store: MeteringStore, query: RawQuery, nowSec: number): Promise<Page<CostsResult>> {
  const w = window(query, nowSec, ['1d'], 180, 7);
  const groups = oneOf('group_by', values(query, 'group_by'), ['project_id', 'line_item'] as const);
  const byLineItem = groups.includes('line_item');
  const byProject = groups.includes('project_id');
  const groupBy: GroupField[] = [...(byProject ? (['project_id'] as const) : []), ...(byLineItem ? (['model'] as const) : [])];
  const rows = await store.aggregate(aggregateQuery(w, query, groupBy));
  const usd = (nano: number) => ({ value: nanoToUsd(nano), currency: 'usd' as const });
  return pageOf<CostsResult>(w, rows, (bucket) => {
    if (bucket.length === 0) return [];
    if (!byLineItem) {
      const perProject = new Map<string | null, number>();
      for (const r of bucket) {
        const project = byProject ? (r.group.project_id ?? null) : null;
        perProject.set(project, (perProject.get(project) ?? 0) + totalNano(r));
      }
      return [...perProject].map(([project, nano]) => ({
        object: 'organization.costs.result' as const,
        amount: usd(nano),
        line_item: null,
        project_id: project,
      }));
    }
    return bucket.flatMap((r) =>
      lineItems(r)
        .filter(([, nano]) => nano > 0)
        .map(([item, nano]) => ({
          object: 'organization.costs.result' as const,
          amount: usd(nano),
          line_item: item,
          project_id: byProject ? (r.group.project_id ?? null) : null,
        })),
    );
  });
}
