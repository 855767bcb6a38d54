/**
 * The local model store as an EngineProvider: lists catalog models (installed or not), models pulled into
 * $ATELIER_HOME/models, diffusers-layout ONNX snapshots already in the Hugging Face cache, extra folders, and the
 * built-in model; loads one as a DiffusionEngine.
 *
 * Memory policy: loaded engines are kept in least-recently-used order, at most `maxLoaded` of them (default 1,
 * ATELIER_MAX_LOADED_MODELS); loading another frees the least recently used one after its running requests finish,
 * and the evicted model's handle loads it again on its next request.
 * A 512px model takes 2.5-5 GB of RAM, so keeping one resident is the safe default on a laptop.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiError } from '../contract/api-error.ts';
import type { Engine, EngineProvider, ModelEntry } from '../engines/engine.ts';
import { CATALOG } from './catalog.ts';
import { DiffusionEngine, EngineDisposedError } from './engine.ts';
import { hubCacheDir } from './hub/hf-cache.ts';
import { loadModel } from './loaded-model.ts';
import { looksLikeModelFolder, readModelFolder } from './model-folder.ts';
import { settingsFromEnv, type SessionSettings } from './onnx-model.ts';

export const BUILTIN_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'atelier-shapes');

export interface DiffusionProviderOptions {
  home: string;
  extraModelDirs?: string[];
  settings?: SessionSettings;
  maxLoaded?: number;
  /** Defaults to the standard Hugging Face hub cache (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub). */
  hfCacheDir?: string;
}

function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((p) => statSync(p).isDirectory());
  } catch {
    return [];
  }
}

/** Snapshots in the HF cache that are complete diffusers ONNX folders, as [repo id, path]. */
function hfCacheModels(cacheDir: string): [string, string][] {
  const out: [string, string][] = [];
  for (const repoDir of subdirs(cacheDir)) {
    const name = repoDir.split('/').pop() ?? '';
    if (!name.startsWith('models--')) continue;
    const repoId = name.slice('models--'.length).replace('--', '/');
    for (const snap of subdirs(join(repoDir, 'snapshots'))) {
      if (looksLikeModelFolder(snap)) {
        out.push([repoId, snap]);
        break;
      }
    }
  }
  return out;
}

export function createDiffusionProvider(opts: DiffusionProviderOptions): EngineProvider {
  const settings = opts.settings ?? settingsFromEnv();
  const envMax = Number.parseInt(process.env.ATELIER_MAX_LOADED_MODELS ?? '', 10);
  const maxLoaded = Math.max(1, opts.maxLoaded ?? (Number.isFinite(envMax) ? envMax : 1));
  const loaded = new Map<string, Promise<DiffusionEngine>>();

  async function list(): Promise<ModelEntry[]> {
    const entries = new Map<string, ModelEntry>();
    const add = (id: string, path: string, description?: string) => {
      if (!entries.has(id)) entries.set(id, { id, installed: true, path, description: description ?? `Local model at ${path}` });
    };
    for (const dir of subdirs(join(opts.home, 'models'))) {
      if (looksLikeModelFolder(dir)) add(dir.split('/').pop() ?? dir, dir);
    }
    if (looksLikeModelFolder(BUILTIN_MODEL_DIR)) add('atelier-shapes', BUILTIN_MODEL_DIR, 'Built-in small model (shapes)');
    for (const extra of opts.extraModelDirs ?? []) {
      if (looksLikeModelFolder(extra)) add(extra.split('/').pop() ?? extra, extra);
      else for (const dir of subdirs(extra)) if (looksLikeModelFolder(dir)) add(dir.split('/').pop() ?? dir, dir);
    }
    for (const [repoId, path] of hfCacheModels(opts.hfCacheDir ?? hubCacheDir())) add(repoId, path, `Hugging Face cache: ${repoId}`);
    for (const c of CATALOG) {
      const e = entries.get(c.id);
      if (e) e.description = c.description;
      else entries.set(c.id, { id: c.id, installed: false, description: c.description, installCommand: `atelier pull ${c.id}` });
    }
    // Descriptions from atelier.json where present.
    for (const e of entries.values()) {
      if (e.installed && e.path && existsSync(join(e.path, 'atelier.json'))) {
        try {
          e.description = (await readModelFolder(e.path, e.id)).description;
        } catch {
          // A broken atelier.json shows up when the model is loaded, with the reason.
        }
      }
    }
    return [...entries.values()];
  }

  async function evictFor(id: string): Promise<void> {
    while (loaded.size >= maxLoaded) {
      const [oldest] = loaded.keys();
      if (oldest === undefined || oldest === id) return;
      const engine = loaded.get(oldest);
      loaded.delete(oldest);
      await engine?.then((e) => e.dispose(), () => undefined);
    }
  }

  /** The loaded engine for `id`, loading it (and evicting others) when needed. */
  async function acquire(id: string): Promise<DiffusionEngine> {
    const cached = loaded.get(id);
    if (cached) {
      // Refresh its place in the LRU order.
      loaded.delete(id);
      loaded.set(id, cached);
      return cached;
    }
    const entry = (await list()).find((e) => e.id === id);
    if (!entry || !entry.installed || !entry.path) {
      const hint = entry?.installCommand
        ? `Run \`${entry.installCommand}\` to download it.`
        : 'Run `atelier pull --list` to see the models Atelier can download, or put a diffusers ONNX folder in $ATELIER_HOME/models/.';
      throw new ApiError({
        status: 404,
        type: 'invalid_request_error',
        code: 'model_not_found',
        param: 'model',
        message: entry ? `The model '${id}' is not installed. ${hint}` : `The model '${id}' does not exist. ${hint}`,
      });
    }
    await evictFor(id);
    const again = loaded.get(id);
    if (again) return again; // a concurrent acquire loaded it while we were evicting
    const path = entry.path;
    const pending = (async () => new DiffusionEngine(await loadModel(await readModelFolder(path, id), settings), id))();
    loaded.set(id, pending);
    pending.catch(() => loaded.delete(id));
    return pending;
  }

  const handles = new Map<string, Engine>();

  /**
   * Returns a stable handle: if the model is evicted between requests (another model needed the memory), the next
   * generate() loads it again instead of failing.
   */
  async function load(id: string): Promise<Engine> {
    const engine = await acquire(id);
    const existing = handles.get(id);
    if (existing) return existing;
    const handle: Engine = {
      info: engine.info,
      async generate(request) {
        for (let attempt = 0; ; attempt++) {
          try {
            return await (await acquire(id)).generate(request);
          } catch (err) {
            // Evicted between acquire() and generate(): load again, once.
            if (!(err instanceof EngineDisposedError) || attempt > 0) throw err;
          }
        }
      },
      async dispose() {
        handles.delete(id);
        const current = loaded.get(id);
        loaded.delete(id);
        await current?.then((e) => e.dispose(), () => undefined);
      },
    };
    handles.set(id, handle);
    return handle;
  }

  return { list, load };
}
