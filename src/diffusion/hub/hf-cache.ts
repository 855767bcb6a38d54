/**
 * The standard Hugging Face hub cache layout, shared with huggingface_hub (Python) and @huggingface/hub:
 *   <cache>/models--<org>--<name>/blobs/<etag>          file contents
 *   <cache>/models--<org>--<name>/snapshots/<commit>/<path>  relative symlinks into blobs/
 *   <cache>/models--<org>--<name>/refs/<revision>        the commit a branch or tag pointed to
 * Writing the same layout means files downloaded by any of these tools are reused, and ours are reused by them.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE;
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE;
  if (env.HF_HOME) return join(env.HF_HOME, 'hub');
  const xdg = env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(xdg, 'huggingface', 'hub');
}

export function repoFolderName(repo: string): string {
  return `models--${repo.split('/').join('--')}`;
}

export function repoCacheDir(cacheDir: string, repo: string): string {
  return join(cacheDir, repoFolderName(repo));
}
