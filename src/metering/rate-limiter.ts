/**
 * Per-key limits on requests, images and tokens per minute, as token buckets: each dimension holds up to `limit`
 * units and refills continuously at `limit` per window, so a key may burst up to its limit and then proceeds at the
 * steady rate, the way OpenAI describes its limits. State is in memory: limits hold per server process (a shared
 * store such as Redis or PostgreSQL would be needed to enforce them across replicas).
 *
 * Headers follow OpenAI: `x-ratelimit-limit-<dim>`, `x-ratelimit-remaining-<dim>`, `x-ratelimit-reset-<dim>` (time
 * until the bucket is full again, Go duration style like `1s`, `6m0s`). `images` is Atelier's own dimension (OpenAI
 * documents images-per-minute limits but no header for them).
 */

export type Dimension = 'requests' | 'images' | 'tokens';

export const DIMENSIONS: readonly Dimension[] = ['requests', 'images', 'tokens'];

export type DimensionLimits = Record<Dimension, number | null>;
export type DimensionCost = Record<Dimension, number>;

interface Bucket {
  level: number;
  updatedAt: number;
}

export type RateDecision =
  | { ok: true; headers: Record<string, string> }
  | {
      ok: false;
      dimension: Dimension;
      /** The request asks for more than the whole limit: waiting cannot help. */
      tooLarge: boolean;
      retryAfterMs: number;
      limit: number;
      /** Units taken and not yet refilled. */
      used: number;
      requested: number;
      headers: Record<string, string>;
    };

/** Formats milliseconds like Go's time.Duration String(), which OpenAI's reset headers use. */
export function goDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  if (total < 1000) return `${total}ms`;
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = (total % 60_000) / 1000;
  const secText = `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, '')}s`;
  if (hours > 0) return `${hours}h${minutes}m${secText}`;
  if (minutes > 0) return `${minutes}m${secText}`;
  return secText;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `cost` from every limited dimension of `scope`, or nothing at all when any of them is short. */
  take(scope: string, limits: DimensionLimits, cost: DimensionCost): RateDecision {
    const t = this.now();
    const levels = new Map<Dimension, Bucket>();
    for (const dim of DIMENSIONS) {
      const limit = limits[dim];
      if (limit === null) continue;
      levels.set(dim, this.refill(`${scope}\0${dim}`, limit, t));
    }
    for (const [dim, bucket] of levels) {
      const limit = limits[dim] as number;
      const want = cost[dim];
      if (want > bucket.level) {
        const tooLarge = want > limit;
        const retryAfterMs = tooLarge ? this.windowMs : ((want - bucket.level) * this.windowMs) / limit;
        return {
          ok: false,
          dimension: dim,
          tooLarge,
          retryAfterMs: Math.ceil(retryAfterMs),
          limit,
          used: Math.max(0, Math.ceil(limit - bucket.level)),
          requested: want,
          headers: this.headers(limits, levels),
        };
      }
    }
    for (const [dim, bucket] of levels) bucket.level -= cost[dim];
    return { ok: true, headers: this.headers(limits, levels) };
  }

  /** Charges extra usage found only after the work (e.g. partial images); the bucket may go into debt. */
  charge(scope: string, limits: DimensionLimits, dim: Dimension, amount: number): void {
    const limit = limits[dim];
    if (limit === null || amount <= 0) return;
    this.refill(`${scope}\0${dim}`, limit, this.now()).level -= amount;
  }

  private refill(id: string, limit: number, t: number): Bucket {
    let bucket = this.buckets.get(id);
    if (!bucket) {
      bucket = { level: limit, updatedAt: t };
      this.buckets.set(id, bucket);
    }
    const elapsed = Math.max(0, t - bucket.updatedAt);
    bucket.level = Math.min(limit, bucket.level + (elapsed * limit) / this.windowMs);
    bucket.updatedAt = t;
    return bucket;
  }

  private headers(limits: DimensionLimits, levels: Map<Dimension, Bucket>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [dim, bucket] of levels) {
      const limit = limits[dim] as number;
      out[`x-ratelimit-limit-${dim}`] = String(limit);
      out[`x-ratelimit-remaining-${dim}`] = String(Math.max(0, Math.floor(bucket.level)));
      out[`x-ratelimit-reset-${dim}`] = goDuration(((limit - bucket.level) * this.windowMs) / limit);
    }
    return out;
  }
}
