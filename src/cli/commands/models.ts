/** `atelier models`: the local models (installed and available to pull) and what each OpenAI name maps to. */
import { parseArgs } from 'node:util';
import { createDefaultDeps } from '../../server/default-deps.ts';

export const summary = 'List installed and available models and the OpenAI names mapped onto them';

const HELP = `Usage: atelier models [--json]

Lists local models (installed, or available with the command that installs them) and the model aliases from
$ATELIER_HOME/config.json (e.g. gpt-image-1 -> atelier-shapes).`;

export async function run(args: string[]): Promise<number> {
  let values: { json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    console.error(`atelier models: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const deps = await createDefaultDeps({ stages: 'none' });
  const models = await deps.engines.list();
  if (values.json) {
    console.log(JSON.stringify({ models, aliases: deps.config.aliases }, null, 2));
    return 0;
  }
  const installed = models.filter((m) => m.installed);
  const available = models.filter((m) => !m.installed);
  console.log('Installed models:');
  if (installed.length === 0) console.log('  (none; install one with `atelier pull <id>`)');
  for (const m of installed) console.log(`  ${m.id.padEnd(28)} ${m.description}`);
  if (available.length > 0) {
    console.log('\nAvailable to install:');
    for (const m of available) console.log(`  ${m.id.padEnd(28)} ${m.description}${m.installCommand ? `  (${m.installCommand})` : ''}`);
  }
  console.log('\nOpenAI model names:');
  for (const [alias, target] of Object.entries(deps.config.aliases)) {
    const state = installed.some((m) => m.id === target) ? 'installed' : 'NOT INSTALLED';
    console.log(`  ${alias.padEnd(28)} -> ${target} (${state})`);
  }
  return 0;
}
