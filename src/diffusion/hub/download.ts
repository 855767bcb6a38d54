/**
 * Fetches files of a Hugging Face repo into the standard hub cache (see hf-cache.ts) with @huggingface/hub:
 * metadata from paths-info (size, sha256 of LFS files, git blob id of small files), ranged downloads that resume a
 * `blobs/<id>.incomplete` file left by an interrupted run (the same name huggingface_hub uses), size and checksum
 * verification before a blob is published, and snapshot symlinks so other tools reuse what we fetched.
 * HF_TOKEN authenticates, HF_ENDPOINT points at a mirror, HF_HUB_OFFLINE=1 serves only what is cached.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, readlink, rename, rm, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { downloadFile, HubApiError, modelInfo, pathsInfo } from '@huggingface/hub';
import { repoCacheDir } from './hf-cache.ts';

export interface HubSettings {
  endpoint: string;
  token?: string;
  offline: boolean;
  cacheDir: string;
  /** For tests: a fetch that counts or fails requests. */
  fetch?: typeof fetch;
}

export function hubSettingsFromEnv(cacheDir: string, env: NodeJS.ProcessEnv = process.env): HubSettings {
  const truthy = (v: string | undefined) => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase());
  return {
    endpoint: (env.HF_ENDPOINT ?? 'https://huggingface.co').replace(/\/+$/, ''),
    token: env.HF_TOKEN ?? env.HUGGING_FACE_HUB_TOKEN,
    offline: truthy(env.HF_HUB_OFFLINE) || truthy(env.TRANSFORMERS_OFFLINE),
    cacheDir,
  };
}

export interface DownloadProgress {
  repo: string;
  path: string;
  /** Bytes of this file on disk so far (including a resumed part). */
  done: number;
  total: number;
  /** True when the file was already cached and nothing was fetched. */
  cached: boolean;
}

export interface SnapshotRequest {
  repo: string;
  revision: string;
  files: string[];
  /** Fetched when present in the repo, skipped otherwise. */
  optional?: string[];
}

export interface Snapshot {
  repo: string;
  commit: string;
  /** snapshots/<commit>/ in the cache. */
  dir: string;
  /** Bytes actually transferred by this call. */
  downloaded: number;
  /** Every file now in the snapshot folder (required + the optional ones that exist). */
  files: string[];
}

export class HubError extends Error {}

/** A Hub HTTP failure in words a user can act on (token for gated/private repos, typo for 404s). */
export function explainHubFailure(err: unknown, repo: string): Error {
  if (err instanceof HubApiError) {
    if (err.statusCode === 401 || err.statusCode === 403) {
      return new HubError(`${repo}: access denied (HTTP ${err.statusCode}). If the repo is gated or private, accept its terms on the Hub and set HF_TOKEN.`);
    }
    if (err.statusCode === 404) return new HubError(`${repo}: not found on the Hub (HTTP 404). Check the name and revision.`);
    return new HubError(`${repo}: the Hub answered HTTP ${err.statusCode}: ${err.message}`);
  }
  if (err instanceof TypeError && /fetch failed/i.test(err.message)) {
    return new HubError(`${repo}: cannot reach the Hub (${err.message}). Check the network or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use the cache.`);
  }
  return err instanceof Error ? err : new Error(String(err));
}

const COMMIT = /^[0-9a-f]{40}$/;

/** Ensures every requested file is in the cache at one commit and returns the snapshot folder. */
export async function fetchSnapshot(
  req: SnapshotRequest,
  hub: HubSettings,
  onProgress?: (p: DownloadProgress) => void,
): Promise<Snapshot> {
  try {
    return await fetchSnapshotUnchecked(req, hub, onProgress);
  } catch (err) {
    throw explainHubFailure(err, req.repo);
  }
}

async function fetchSnapshotUnchecked(
  req: SnapshotRequest,
  hub: HubSettings,
  onProgress?: (p: DownloadProgress) => void,
): Promise<Snapshot> {
  const repoDir = repoCacheDir(hub.cacheDir, req.repo);
  // Revisions name files under refs/: branch-like names only.
  if (!/^[\w.-]+(\/[\w.-]+)*$/.test(req.revision) || req.revision.split('/').includes('..')) {
    throw new HubError(`'${req.revision}' is not a valid revision`);
  }
  if (hub.offline) return offlineSnapshot(req, repoDir);
  const common = { hubUrl: hub.endpoint, accessToken: hub.token, fetch: hub.fetch };
  const commit = COMMIT.test(req.revision)
    ? req.revision
    : ((await modelInfo({ ...common, name: req.repo, revision: req.revision, additionalFields: ['sha'] })) as { sha?: string }).sha;
  if (!commit || !COMMIT.test(commit)) throw new HubError(`${req.repo}@${req.revision}: the Hub did not return a commit id`);
  const optional = req.optional ?? [];
  const infos = await pathsInfo({ ...common, repo: req.repo, paths: [...req.files, ...optional], revision: commit });
  const byPath = new Map(infos.map((i) => [i.path, i]));
  const snapshotDir = join(repoDir, 'snapshots', commit);
  const files = [...req.files, ...optional.filter((f) => byPath.get(f)?.type === 'file')];
  let downloaded = 0;
  for (const path of files) {
    const info = byPath.get(path);
    if (!info || info.type !== 'file' || !info.oid) throw new HubError(`${req.repo}@${req.revision} has no file ${path}`);
    const blobId = info.lfs?.oid ?? info.oid;
    // The id becomes a file name: accept only a hex digest, whatever a (possibly hostile) endpoint sends.
    if (!/^[0-9a-f]{40}$|^[0-9a-f]{64}$/.test(blobId)) throw new HubError(`${req.repo}: ${path} has an invalid object id`);
    const expected: Expected = info.lfs
      ? { size: info.lfs.size, kind: 'sha256', digest: info.lfs.oid }
      : { size: info.size, kind: 'git-sha1', digest: info.oid };
    const blobPath = join(repoDir, 'blobs', blobId);
    if (await hasSize(blobPath, expected.size)) {
      onProgress?.({ repo: req.repo, path, done: expected.size, total: expected.size, cached: true });
    } else {
      const release = await lockBlob(blobPath);
      try {
        // Another process may have finished it while we waited for the lock.
        if (!(await hasSize(blobPath, expected.size))) {
          downloaded += await downloadBlob(req.repo, commit, path, blobPath, expected, hub, onProgress);
        }
      } finally {
        await release();
      }
    }
    await linkIntoSnapshot(snapshotDir, path, blobPath);
  }
  if (!COMMIT.test(req.revision)) {
    await mkdir(dirname(join(repoDir, 'refs', req.revision)), { recursive: true });
    await writeFile(join(repoDir, 'refs', req.revision), commit);
  }
  return { repo: req.repo, commit, dir: snapshotDir, downloaded, files };
}

interface Expected {
  size: number;
  kind: 'sha256' | 'git-sha1';
  digest: string;
}

async function hasSize(path: string, size: number): Promise<boolean> {
  try {
    return (await stat(path)).size === size;
  } catch {
    return false;
  }
}

/**
 * One downloader per blob: two pulls appending to the same .incomplete file would corrupt it. The lock file holds
 * the owner's pid; a lock left by a process that no longer exists is taken over.
 */
async function lockBlob(blobPath: string): Promise<() => Promise<void>> {
  const lock = `${blobPath}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(await readFile(lock, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
        throw new HubError(`another download of this file is running (pid ${owner}); wait for it or stop it`);
      }
      await rm(lock, { force: true });
    }
  }
  throw new HubError(`cannot lock ${lock}`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function newHash(expected: Expected): Hash {
  const h = createHash(expected.kind === 'sha256' ? 'sha256' : 'sha1');
  // A git blob id hashes a "blob <size>\0" header before the content.
  if (expected.kind === 'git-sha1') h.update(`blob ${expected.size}\0`);
  return h;
}

async function downloadBlob(
  repo: string,
  commit: string,
  path: string,
  blobPath: string,
  expected: Expected,
  hub: HubSettings,
  onProgress?: (p: DownloadProgress) => void,
): Promise<number> {
  await mkdir(dirname(blobPath), { recursive: true });
  const partial = `${blobPath}.incomplete`;
  let offset = 0;
  try {
    offset = (await stat(partial)).size;
  } catch {
    offset = 0;
  }
  if (offset > expected.size) {
    await rm(partial);
    offset = 0;
  }
  const hash = newHash(expected);
  if (offset > 0) {
    // Resume: the bytes already on disk count toward the checksum.
    await pipeline(createReadStream(partial), async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) hash.update(chunk);
    });
  }
  let done = offset;
  if (offset < expected.size) {
    const blob = await downloadFile({ repo, path, revision: commit, hubUrl: hub.endpoint, accessToken: hub.token, fetch: hub.fetch, xet: false });
    if (!blob) throw new HubError(`${repo}: ${path} disappeared from the Hub`);
    if (blob.size !== expected.size) throw new HubError(`${repo}: ${path} is ${blob.size} bytes on the Hub, paths-info said ${expected.size}`);
    const body = Readable.fromWeb(blob.slice(offset).stream() as WebReadableStream<Uint8Array>);
    await pipeline(
      body,
      async function* (source: AsyncIterable<Buffer>) {
        for await (const chunk of source) {
          hash.update(chunk);
          done += chunk.length;
          onProgress?.({ repo, path, done, total: expected.size, cached: false });
          yield chunk;
        }
      },
      createWriteStream(partial, { flags: offset > 0 ? 'a' : 'w' }),
    );
  }
  const size = (await stat(partial)).size;
  const digest = hash.digest('hex');
  if (size !== expected.size || digest !== expected.digest) {
    // A corrupt partial must not be resumed either.
    await rm(partial, { force: true });
    throw new HubError(`${repo}: ${path} failed verification (got ${size} bytes, ${expected.kind} ${digest}; expected ${expected.size} bytes, ${expected.digest})`);
  }
  await rename(partial, blobPath);
  return done - offset;
}

/** snapshots/<commit>/<path> -> ../../blobs/<id>, relative like huggingface_hub so the cache can be moved. */
async function linkIntoSnapshot(snapshotDir: string, path: string, blobPath: string): Promise<void> {
  const link = join(snapshotDir, path);
  await mkdir(dirname(link), { recursive: true });
  const target = relative(dirname(link), blobPath);
  try {
    if ((await readlink(link)) === target) return;
    await unlink(link);
  } catch {
    // No link yet.
  }
  await symlink(target, link);
}

async function offlineSnapshot(req: SnapshotRequest, repoDir: string): Promise<Snapshot> {
  let commit = req.revision;
  if (!COMMIT.test(commit)) {
    try {
      commit = (await readFile(join(repoDir, 'refs', req.revision), 'utf8')).trim();
    } catch {
      throw new HubError(`offline mode (HF_HUB_OFFLINE): ${req.repo}@${req.revision} is not in the cache`);
    }
  }
  const dir = join(repoDir, 'snapshots', commit);
  const missing = req.files.filter((f) => !existsSync(join(dir, f)));
  if (missing.length > 0) {
    throw new HubError(`offline mode (HF_HUB_OFFLINE): ${req.repo} is missing ${missing.join(', ')} in the cache`);
  }
  const files = [...req.files, ...(req.optional ?? []).filter((f) => existsSync(join(dir, f)))];
  return { repo: req.repo, commit, dir, downloaded: 0, files };
}
