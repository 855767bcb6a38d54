/**
 * `atelier <command>`: each command is one file in ./commands exporting `run(args): Promise<number>` (the exit code)
 * and a one-line `summary`. Commands load lazily so `atelier verify` does not pay for ONNX Runtime.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
}

const commandsDir = join(dirname(fileURLToPath(import.meta.url)), 'commands');

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function loadCommand(name: string): Promise<Command | undefined> {
  if (!/^[a-z][a-z-]*$/.test(name) || !commandNames().includes(name)) return undefined;
  return (await import(join(commandsDir, `${name}.ts`))) as Command;
}

async function usage(): Promise<string> {
  const lines = ['Usage: atelier <command> [options]', '', 'Commands:'];
  for (const name of commandNames()) {
    const cmd = await loadCommand(name);
    lines.push(`  ${name.padEnd(10)} ${cmd?.summary ?? ''}`);
  }
  lines.push('', 'Run `atelier <command> --help` for the options of one command.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(await usage());
    return name ? 0 : 1;
  }
  const cmd = await loadCommand(name);
  if (!cmd) {
    console.error(`atelier: unknown command '${name}'\n\n${await usage()}`);
    return 2;
  }
  return cmd.run(rest);
}
