/**
 * `atelier keys create|list|revoke|limits`: API keys for the server. A secret is printed once at creation and only its
 * SHA-256 is stored (see src/metering/api-keys.ts for why that is enough for 256-bit random secrets).
 */
import { parseArgs } from 'node:util';
import { atelierHome } from '../../config/config.ts';
import { createMetering, formatUsd, type Metering } from '../../metering/metering.ts';
import { usdToNano } from '../../metering/price-table.ts';
import type { KeyLimits, KeyRecord } from '../../metering/store.ts';

export const summary = 'Create, list and revoke API keys and set their limits';

const HELP = `Usage:
  atelier keys create --name <name> [--admin] [--project <id>] [limits] [--json]
  atelier keys list [--all] [--json]
  atelier keys revoke <id|name>
  atelier keys limits <id|name> [limits]

Limits (a number, or "none" for unlimited):
  --rpm <n>       requests per minute
  --ipm <n>       images per minute
  --tpm <n>       tokens per minute
  --budget <usd>  monthly budget in US dollars (calendar month, UTC)

Admin keys (sk-atelier-admin-...) read /v1/organization/usage/images and /v1/organization/costs and cannot make
image requests. Without any key the server serves loopback clients only.

Options:
  --home <dir>    Atelier home (default $ATELIER_HOME or ~/.atelier)
  -h, --help      show this help`;

const OPTIONS = {
  name: { type: 'string' },
  admin: { type: 'boolean' },
  project: { type: 'string' },
  rpm: { type: 'string' },
  ipm: { type: 'string' },
  tpm: { type: 'string' },
  budget: { type: 'string' },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
  home: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class UsageError extends Error {}

function limitValue(flag: string, text: string | undefined, max: number): number | null | undefined {
  if (text === undefined) return undefined;
  if (text === 'none') return null;
  if (!/^\d+(\.\d+)?$/.test(text) || Number(text) > max) throw new UsageError(`--${flag} must be a number up to ${max} or "none"`);
  return Number(text);
}

function limitsFrom(v: Values): Partial<KeyLimits> {
  const out: Partial<KeyLimits> = {};
  const whole = (flag: 'rpm' | 'ipm' | 'tpm') => {
    const n = limitValue(flag, v[flag], 1e9);
    if (n !== undefined && n !== null && !Number.isInteger(n)) throw new UsageError(`--${flag} must be a whole number`);
    return n;
  };
  const rpm = whole('rpm');
  const ipm = whole('ipm');
  const tpm = whole('tpm');
  const budget = limitValue('budget', v.budget, 1e7);
  if (rpm !== undefined) out.requestsPerMinute = rpm;
  if (ipm !== undefined) out.imagesPerMinute = ipm;
  if (tpm !== undefined) out.tokensPerMinute = tpm;
  if (budget !== undefined) out.monthlyBudgetNano = budget === null ? null : usdToNano(budget);
  return out;
}

function describeLimits(l: KeyLimits): string {
  const parts = [
    l.requestsPerMinute !== null && `${l.requestsPerMinute} req/min`,
    l.imagesPerMinute !== null && `${l.imagesPerMinute} img/min`,
    l.tokensPerMinute !== null && `${l.tokensPerMinute} tok/min`,
    l.monthlyBudgetNano !== null && `${formatUsd(l.monthlyBudgetNano)}/month`,
  ].filter(Boolean);
  return parts.length ? parts.join(', ') : 'unlimited';
}

function publicView(k: KeyRecord) {
  const { hash: _hash, ...rest } = k;
  return rest;
}

async function find(metering: Metering, idOrName: string): Promise<KeyRecord> {
  const matches = (await metering.store.listKeys()).filter((k) => k.revokedAt === null && (k.id === idOrName || k.name === idOrName));
  if (matches.length !== 1) {
    throw new UsageError(matches.length ? `more than one active key is named '${idOrName}'; use its id` : `no active key '${idOrName}'`);
  }
  return matches[0];
}

async function runWith(metering: Metering, action: string | undefined, rest: string[], v: Values): Promise<number> {
  switch (action) {
    case 'create': {
      if (!v.name) throw new UsageError('keys create needs --name <name>');
      const { key, secret } = await metering.createKey({
        name: v.name,
        role: v.admin ? 'admin' : 'user',
        projectId: v.project,
        limits: limitsFrom(v),
      });
      if (v.json) console.log(JSON.stringify({ ...publicView(key), secret }, null, 2));
      else {
        console.log(`Created ${key.role === 'admin' ? 'admin ' : ''}key ${key.id} '${key.name}' (${describeLimits(key.limits)}).`);
        console.log(`\n  ${secret}\n`);
        console.log('This secret is shown once and cannot be recovered: store it now.');
      }
      return 0;
    }
    case 'list': {
      const keys = (await metering.store.listKeys()).filter((k) => v.all || k.revokedAt === null);
      if (v.json) {
        console.log(JSON.stringify(keys.map(publicView), null, 2));
        return 0;
      }
      if (keys.length === 0) {
        console.log('No API keys: the server serves loopback clients only. Create one with `atelier keys create --name <name>`.');
        return 0;
      }
      for (const k of keys) {
        const state = k.revokedAt === null ? '' : `  REVOKED ${new Date(k.revokedAt * 1000).toISOString()}`;
        console.log(
          `${k.id}  ${k.redacted.padEnd(26)} ${k.role.padEnd(5)} ${k.name.padEnd(20)} ${k.projectId.padEnd(14)} ` +
            `${new Date(k.createdAt * 1000).toISOString().slice(0, 10)}  ${describeLimits(k.limits)}${state}`,
        );
      }
      return 0;
    }
    case 'revoke': {
      if (rest.length !== 1) throw new UsageError('keys revoke needs one key id or name');
      const key = await metering.store.revokeKey(rest[0], Math.floor(Date.now() / 1000));
      if (!key) throw new UsageError(`no active key '${rest[0]}'`);
      console.log(`Revoked ${key.id} '${key.name}'. Requests with it now get 401.`);
      if (!(await metering.keysExist())) console.log('No active keys remain: the server now serves loopback clients only.');
      return 0;
    }
    case 'limits': {
      if (rest.length !== 1) throw new UsageError('keys limits needs one key id or name');
      const key = await find(metering, rest[0]);
      const limits = { ...key.limits, ...limitsFrom(v) };
      await metering.store.setLimits(key.id, limits);
      console.log(`${key.id} '${key.name}': ${describeLimits(limits)} (a running server applies it to the next request).`);
      return 0;
    }
    default:
      throw new UsageError(action ? `unknown keys action '${action}'` : 'keys needs an action');
  }
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    console.error(`atelier keys: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  if (v.help) {
    console.log(HELP);
    return 0;
  }
  const [action, ...rest] = positionals;
  const metering = createMetering({ home: v.home ?? atelierHome() });
  try {
    return await runWith(metering, action, rest, v);
  } catch (err) {
    console.error(`atelier keys: ${(err as Error).message}`);
    if (err instanceof UsageError && !action) console.error(`\n${HELP}`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    await metering.close();
  }
}
