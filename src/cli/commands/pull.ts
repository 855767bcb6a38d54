/**
 * `atelier pull <model>`: downloads a catalog model from the Hugging Face Hub into the standard HF cache and makes
 * it available as $ATELIER_HOME/models/<model>/. Re-running resumes an interrupted download and skips what is
 * already cached. Honours HF_TOKEN, HF_ENDPOINT, HF_HOME / HF_HUB_CACHE and HF_HUB_OFFLINE.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { atelierHome } from '../../config/config.ts';
import { CATALOG, catalogEntry } from '../../diffusion/catalog.ts';
import { hubCacheDir } from '../../diffusion/hub/hf-cache.ts';
import { HubError, hubSettingsFromEnv, type DownloadProgress } from '../../diffusion/hub/download.ts';
import { pullModel, pullRepo } from '../../diffusion/hub/pull.ts';

export const summary = 'Download a model (e.g. sd-turbo) from the Hugging Face Hub';

const HELP = `Usage:
  atelier pull <model>              download a catalog model and make it available to the server
  atelier pull <org>/<name>[@rev]   download any Hub repo in the diffusers ONNX layout (served as <org>/<name>)
  atelier pull --list               show the catalog

Options:
  --home <dir>    Atelier home (default $ATELIER_HOME or ~/.atelier)
  --quiet         no progress bar
  -h, --help      show this help

Environment: HF_TOKEN (gated/private repos), HF_ENDPOINT (mirror), HF_HOME or HF_HUB_CACHE (cache location),
HF_HUB_OFFLINE=1 (use only what is cached). Other diffusers ONNX folders work too: copy or link them to
$ATELIER_HOME/models/<id>/.`;

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: { home: { type: 'string' }, list: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    console.error(`atelier pull: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.list) {
    for (const e of CATALOG) console.log(`${e.id.padEnd(20)} ${gb(e.downloadBytes).padStart(8)}  ${e.description}`);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(HELP);
    return 2;
  }
  const id = positionals[0];
  const entry = catalogEntry(id);
  if (!entry && id.includes('/')) return pullHubRepo(id, values.quiet === true);
  if (!entry) {
    console.error(`atelier pull: unknown model '${id}'. Known models: ${CATALOG.map((e) => e.id).join(', ')}`);
    return 2;
  }
  const home = values.home ?? atelierHome();
  const hub = hubSettingsFromEnv(hubCacheDir());
  const { bar, onProgress } = progressBar(values.quiet === true);
  console.error(`Pulling ${id} (${entry.description}, about ${gb(entry.downloadBytes)}) into ${hub.cacheDir}`);
  try {
    const result = await pullModel(entry, home, hub, onProgress);
    bar?.stop();
    console.log(`${id} is ready in ${result.dir} (${(result.downloaded / 1e6).toFixed(1)} MB downloaded)`);
    return 0;
  } catch (err) {
    bar?.stop();
    console.error(`atelier pull: ${(err as Error).message}\nRun the same command again to resume.`);
    return 1;
  }
}

async function pullHubRepo(spec: string, quiet: boolean): Promise<number> {
  const [repo, revision = 'main'] = spec.split('@');
  const hub = hubSettingsFromEnv(hubCacheDir());
  const { bar, onProgress } = progressBar(quiet);
  console.error(`Pulling ${repo}@${revision} into ${hub.cacheDir}`);
  try {
    const snap = await pullRepo(repo, revision, hub, onProgress);
    bar?.stop();
    console.log(`${repo} is ready as model '${repo}' in ${snap.dir} (${(snap.downloaded / 1e6).toFixed(1)} MB downloaded)`);
    return 0;
  } catch (err) {
    bar?.stop();
    const why = err instanceof HubError ? err.message : (err as Error).message;
    console.error(`atelier pull: ${why}`);
    return 1;
  }
}

function progressBar(quiet: boolean): { bar?: cliProgress.SingleBar; onProgress: (p: DownloadProgress) => void } {
  const bar = quiet || !process.stderr.isTTY ? undefined : new cliProgress.SingleBar({
    format: ' {file} [{bar}] {percentage}% | {doneMB}/{totalMB} MB',
    hideCursor: true,
  }, cliProgress.Presets.shades_classic);
  let current = '';
  const onProgress = (p: DownloadProgress) => {
    if (!bar || p.cached) return;
    const payload = { file: p.path.padEnd(28).slice(0, 28), doneMB: (p.done / 1e6).toFixed(1), totalMB: (p.total / 1e6).toFixed(1) };
    if (current !== `${p.repo}/${p.path}`) {
      if (current) bar.stop();
      current = `${p.repo}/${p.path}`;
      bar.start(p.total, p.done, payload);
    } else {
      bar.update(p.done, payload);
    }
  };
  return { bar, onProgress };
}
