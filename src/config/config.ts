/**
 * Atelier's configuration: `$ATELIER_HOME/config.json` (ATELIER_HOME defaults to ~/.atelier), merged over built-in
 * defaults. The data directory and a commented default config are created on first run so users can find them.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { OPENAI_MODEL_NAMES } from '../contract/models.ts';

export type AutoQuality = 'low' | 'medium' | 'high';

export interface Limits {
  /** Bytes per uploaded file (OpenAI: < 50MB for GPT models; dall-e-2 has its own 4MB rule). */
  maxFileBytes: number;
  /** Bytes of all uploads of one request together (multipart files or JSON body). */
  maxTotalUploadBytes: number;
  /** Pixels of one input image, read from its header before decoding (decompression bombs stop here). */
  maxInputPixels: number;
  /** Longest side of one input image. */
  maxInputSide: number;
  /** Engine jobs running at once; the rest wait in a queue. */
  maxConcurrentJobs: number;
  /** Requests allowed to wait for the engine; more get HTTP 429. */
  maxQueuedJobs: number;
  /** Lifetime of DALL·E-style image URLs. OpenAI: 60 minutes. */
  urlTtlSeconds: number;
  /** Memory kept for URL-served images; the oldest are dropped first when it is full. */
  maxStoredImageBytes: number;
}

export interface AtelierConfig {
  host: string;
  port: number;
  /** Base of the URLs returned for DALL·E `response_format: url`, e.g. "https://images.example.com". Default: the request's own host. */
  publicUrl?: string;
  /** OpenAI model name -> local model id. */
  aliases: Record<string, string>;
  defaults: {
    /** Used when a request names no model; unset = OpenAI's rule (dall-e-2 for generations, gpt-image-1.5 for edits). */
    model?: string;
    /** What `quality: auto` runs at. */
    quality: AutoQuality;
  };
  limits: Limits;
  /** Moderation (issue 7): an optional external /v1/moderations endpoint, the audit log and the policy. */
  moderation: {
    externalUrl?: string;
    /** Name of the environment variable holding the external moderator's API key (never the key itself). */
    externalKeyEnv?: string;
    /** JSON-lines audit log of blocks; default `$ATELIER_HOME/moderation-audit.jsonl`. */
    auditLogPath?: string;
    /** Overrides of the moderation policy (see docs/moderation.md); validated when the server starts. */
    policy?: Record<string, unknown>;
  };
  /** Content Credentials (issue 5): a configured PEM chain and key, else a local CA in `$ATELIER_HOME/credentials/`. */
  credentials: {
    certPath?: string;
    keyPath?: string;
    /** RFC 3161 timestamp authority URL. */
    tsaUrl?: string;
  };
}

export const DEFAULT_LOCAL_MODEL = 'atelier-shapes';

export function defaultConfig(): AtelierConfig {
  return {
    host: '127.0.0.1',
    port: 8080,
    aliases: Object.fromEntries(OPENAI_MODEL_NAMES.map((name) => [name, DEFAULT_LOCAL_MODEL])),
    defaults: { quality: 'medium' },
    moderation: {},
    credentials: {},
    limits: {
      maxFileBytes: 50 * 1024 * 1024,
      maxTotalUploadBytes: 128 * 1024 * 1024,
      maxInputPixels: 4096 * 4096,
      maxInputSide: 8192,
      maxConcurrentJobs: 1,
      maxQueuedJobs: 64,
      urlTtlSeconds: 3600,
      maxStoredImageBytes: 512 * 1024 * 1024,
    },
  };
}

export function atelierHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.ATELIER_HOME;
  return fromEnv && fromEnv.trim() ? resolve(fromEnv) : join(homedir(), '.atelier');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Merges a parsed config file over the defaults, rejecting wrong types with the file path in the message. */
export function mergeConfig(base: AtelierConfig, file: unknown, where: string): AtelierConfig {
  if (!isRecord(file)) throw new Error(`${where}: expected a JSON object`);
  const out: AtelierConfig = structuredClone(base);
  const bad = (key: string, want: string): Error => new Error(`${where}: '${key}' must be ${want}`);
  if (file.host !== undefined) {
    if (typeof file.host !== 'string') throw bad('host', 'a string');
    out.host = file.host;
  }
  if (file.port !== undefined) {
    if (!Number.isInteger(file.port) || (file.port as number) < 0 || (file.port as number) > 65535) {
      throw bad('port', 'an integer 0..65535');
    }
    out.port = file.port as number;
  }
  if (file.publicUrl !== undefined) {
    if (typeof file.publicUrl !== 'string' || !/^https?:\/\//.test(file.publicUrl)) throw bad('publicUrl', 'an http(s) URL');
    out.publicUrl = file.publicUrl.replace(/\/+$/, '');
  }
  if (file.aliases !== undefined) {
    if (!isRecord(file.aliases)) throw bad('aliases', 'an object of model name -> local model id');
    for (const [k, v] of Object.entries(file.aliases)) {
      if (typeof v !== 'string' || !v) throw bad(`aliases.${k}`, 'a local model id');
      out.aliases[k] = v;
    }
  }
  if (file.defaults !== undefined) {
    if (!isRecord(file.defaults)) throw bad('defaults', 'an object');
    const d = file.defaults;
    if (d.model !== undefined) {
      if (typeof d.model !== 'string' || !d.model) throw bad('defaults.model', 'a model name');
      out.defaults.model = d.model;
    }
    if (d.quality !== undefined) {
      if (d.quality !== 'low' && d.quality !== 'medium' && d.quality !== 'high') {
        throw bad('defaults.quality', "'low', 'medium' or 'high'");
      }
      out.defaults.quality = d.quality;
    }
  }
  for (const section of ['moderation', 'credentials'] as const) {
    const value = file[section];
    if (value === undefined) continue;
    if (!isRecord(value)) throw bad(section, 'an object');
    const strings = section === 'moderation' ? ['externalUrl', 'externalKeyEnv', 'auditLogPath'] : ['certPath', 'keyPath', 'tsaUrl'];
    for (const [k, v] of Object.entries(value)) {
      if (section === 'moderation' && k === 'policy') {
        if (!isRecord(v)) throw bad('moderation.policy', 'an object');
        continue;
      }
      if (!strings.includes(k)) throw new Error(`${where}: unknown setting '${section}.${k}'`);
      if (typeof v !== 'string' || !v) throw bad(`${section}.${k}`, 'a non-empty string');
    }
    Object.assign(out[section], value);
  }
  if (file.limits !== undefined) {
    if (!isRecord(file.limits)) throw bad('limits', 'an object');
    for (const [k, v] of Object.entries(file.limits)) {
      if (!(k in out.limits)) throw new Error(`${where}: unknown limit '${k}'`);
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw bad(`limits.${k}`, 'a positive number');
      out.limits[k as keyof Limits] = v;
    }
  }
  return out;
}

/** Reads `$home/config.json`, creating the home directory and a default file on first run. */
export function loadConfig(home: string = atelierHome()): AtelierConfig {
  mkdirSync(home, { recursive: true });
  const path = join(home, 'config.json');
  const base = defaultConfig();
  if (!existsSync(path)) {
    const starter = { host: base.host, port: base.port, aliases: base.aliases, defaults: base.defaults };
    writeFileSync(path, `${JSON.stringify(starter, null, 2)}\n`, { mode: 0o600 });
    return base;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`);
  }
  return mergeConfig(base, parsed, path);
}
