/**
 * `atelier generate "<prompt>"`: one generation in-process (no server), through the same validation and request
 * pipeline as POST /v1/images/generations, with a progress bar; writes the files and prints their paths.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { ApiError } from '../../contract/api-error.ts';
import { validateImageParams } from '../../contract/validate.ts';
import { resolveModel } from '../../engines/registry.ts';
import { createDefaultDeps } from '../../server/default-deps.ts';
import { ImagePipeline } from '../../server/image-pipeline.ts';
import { JobQueue } from '../../server/job-queue.ts';

export const summary = 'Generate images from a prompt and write them to files';

const HELP = `Usage: atelier generate "<prompt>" [options]

Options:
  --model NAME         gpt-image-1 (default), another OpenAI name from the config, or a local model id
  --n N                number of images, 1-10 (default 1)
  --size SIZE          1024x1024, 1536x1024, 1024x1536 or auto (default auto)
  --quality Q          low, medium, high or auto (default auto)
  --format F           png, jpeg or webp (default png)
  --compression C      0-100, for jpeg and webp (default 100)
  --background B       transparent, opaque or auto (default auto)
  --seed S             make the result reproducible
  --out DIR            where to write the files (default: current directory)
  -h, --help           show this help`;

const OPTIONS = {
  model: { type: 'string' },
  n: { type: 'string' },
  size: { type: 'string' },
  quality: { type: 'string' },
  format: { type: 'string' },
  compression: { type: 'string' },
  background: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function integer(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-');
}

export async function run(args: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true });
  } catch (err) {
    console.error(`atelier generate: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`atelier generate: give exactly one prompt (quote it)\n\n${HELP}`);
    return 2;
  }
  const deps = await createDefaultDeps();
  const raw: Record<string, unknown> = {
    prompt: positionals[0],
    model: values.model ?? deps.config.defaults.model ?? 'gpt-image-1',
    n: integer(values.n),
    size: values.size,
    quality: values.quality,
    output_format: values.format,
    output_compression: integer(values.compression),
    background: values.background,
    seed: integer(values.seed),
  };
  for (const key of Object.keys(raw)) if (raw[key] === undefined) delete raw[key];

  const bar = new cliProgress.SingleBar(
    { format: 'generating [{bar}] {percentage}% | step {value}/{total}', stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let barStarted = false;
  try {
    const request = validateImageParams('generation-json', raw);
    const model = await resolveModel(request.model, deps.config.aliases, deps.engines);
    const queue = new JobQueue(1, 0);
    const pipeline = new ImagePipeline({ engines: deps.engines, config: deps.config, queue, moderator: deps.moderator, credentials: deps.credentials });
    const controller = new AbortController();
    const onSigint = (): void => controller.abort(new Error('interrupted'));
    process.once('SIGINT', onSigint);
    const outcome = await pipeline
      .run(
        { request, model, inputs: [] },
        {
          requestId: `cli_${Date.now()}`,
          signal: controller.signal,
          onProgress: ({ step, totalSteps }) => {
            if (!barStarted) {
              bar.start(totalSteps, 0);
              barStarted = true;
            }
            bar.setTotal(totalSteps);
            bar.update(step);
          },
        },
      )
      .finally(() => process.off('SIGINT', onSigint));
    if (barStarted) bar.stop();
    const dir = resolve(values.out ?? '.');
    await mkdir(dir, { recursive: true });
    const stamp = timestamp();
    for (const [i, image] of outcome.images.entries()) {
      const path = join(dir, `atelier-${stamp}-${outcome.seed}-${i + 1}.${image.format === 'jpeg' ? 'jpg' : image.format}`);
      await writeFile(path, image.data);
      console.log(path);
    }
    console.error(`${outcome.images.length} image(s), ${outcome.size.label}, quality ${outcome.quality}, seed ${outcome.seed}, model ${model.requested} -> ${model.localId}`);
    return 0;
  } catch (err) {
    if (barStarted) bar.stop();
    if (err instanceof ApiError) {
      console.error(`atelier generate: ${err.message}${err.param ? ` (parameter '${err.param}')` : ''}`);
      return 1;
    }
    throw err;
  }
}
