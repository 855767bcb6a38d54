/** Atelier's version, from package.json: recorded in C2PA claims and shown by the CLI. */
import { readFileSync } from 'node:fs';

export const ATELIER_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
