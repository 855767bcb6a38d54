/**
 * `atelier pull <id>`: fetches a catalog model's sources into the Hugging Face cache and assembles
 * $ATELIER_HOME/models/<id>/ as a folder of symlinks into the cached snapshots plus an atelier.json with the
 * catalog's defaults. ONNX Runtime finds external weight files (model.onnx_data) next to the link it opened.
 */
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CatalogEntry } from '../catalog.ts';
import { listFiles } from '@huggingface/hub';
import { explainHubFailure, fetchSnapshot, HubError, type DownloadProgress, type HubSettings, type Snapshot } from './download.ts';

export interface PullResult {
  dir: string;
  snapshots: Snapshot[];
  downloaded: number;
}

export async function pullModel(
  entry: CatalogEntry,
  home: string,
  hub: HubSettings,
  onProgress?: (p: DownloadProgress) => void,
): Promise<PullResult> {
  const snapshots: Snapshot[] = [];
  for (const source of entry.sources) snapshots.push(await fetchSnapshot(source, hub, onProgress));
  const dir = join(home, 'models', entry.id);
  const staging = `${dir}.partial`;
  await rm(staging, { recursive: true, force: true });
  for (const snapshot of snapshots) {
    for (const file of snapshot.files) {
      const link = join(staging, file);
      await mkdir(dirname(link), { recursive: true });
      // Later sources do not override earlier ones (the ONNX repo wins over the original model repo).
      await symlink(join(snapshot.dir, file), link).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
    }
  }
  const d = entry.defaults;
  await writeFile(join(staging, 'atelier.json'), `${JSON.stringify({
    id: entry.id,
    description: entry.description,
    guidance_scale: d.guidanceScale,
    native_size: d.nativeSize,
    quality: d.quality,
    sources: entry.sources.map((s, i) => ({ repo: s.repo, revision: snapshots[i].commit })),
  }, null, 2)}\n`);
  await rm(dir, { recursive: true, force: true });
  await rename(staging, dir);
  return { dir, snapshots, downloaded: snapshots.reduce((s, x) => s + x.downloaded, 0) };
}

const COMPONENTS = /^(scheduler|tokenizer(_2)?|text_encoder(_2)?|unet|vae_decoder|vae_encoder|taesd_decoder)\/[^/]+$/;
const WANTED = /\.(onnx|onnx_data|pb|json|txt)$/;

/** The files of a repo that make up a diffusers ONNX model (no PyTorch/safetensors weights). */
export function diffusersOnnxFiles(paths: string[]): string[] {
  return paths.filter((p) => p === 'model_index.json' || (COMPONENTS.test(p) && WANTED.test(p)));
}

/**
 * `atelier pull <org>/<name>[@revision]`: any Hub repo in the diffusers ONNX layout. The snapshot lands in the HF
 * cache, where the provider lists it under the repo id.
 */
export async function pullRepo(
  repo: string,
  revision: string,
  hub: HubSettings,
  onProgress?: (p: DownloadProgress) => void,
): Promise<Snapshot> {
  if (!/^[\w.-]+\/[\w.-]+$/.test(repo)) throw new HubError(`'${repo}' is not a Hub repo id (org/name)`);
  let files: string[];
  if (hub.offline) {
    files = ['model_index.json', 'unet/model.onnx', 'text_encoder/model.onnx', 'vae_decoder/model.onnx'];
  } else {
    const all: string[] = [];
    try {
      for await (const f of listFiles({ repo, revision, recursive: true, hubUrl: hub.endpoint, accessToken: hub.token, fetch: hub.fetch })) {
        if (f.type === 'file') all.push(f.path);
      }
    } catch (err) {
      throw explainHubFailure(err, repo);
    }
    files = diffusersOnnxFiles(all);
  }
  const required = ['model_index.json', 'unet/model.onnx', 'text_encoder/model.onnx', 'vae_decoder/model.onnx'];
  const missing = required.filter((f) => !files.includes(f));
  if (missing.length > 0) throw new HubError(`${repo} is not a diffusers ONNX export (missing ${missing.join(', ')})`);
  return fetchSnapshot({ repo, revision, files: required, optional: files.filter((f) => !required.includes(f)) }, hub, onProgress);
}
