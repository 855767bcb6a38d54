#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's own test runner (through tsx), after a type check and lint.
// Files run one at a time: most of them start a real server or load ONNX sessions, and the machines have 2 cores.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = findTests('test')
  .filter((f) => filter.length === 0 || filter.some((part) => f.includes(part)))
  .sort();

function run(cmd, args) {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (filter.length === 0) {
  run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('npx', ['eslint', 'src', 'test', 'bench', 'models/atelier-shapes/eval']);
}
run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files]);
