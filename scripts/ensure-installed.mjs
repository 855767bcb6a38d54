#!/usr/bin/env node
// Runs before `npm start` and `npm test` (prestart/pretest) so each is one command from a fresh clone: it installs the
// locked dependencies when node_modules is missing or older than package-lock.json, and does nothing otherwise.
// Uses only node built-ins, since it runs before anything is installed.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const stampPath = 'node_modules/.atelier-install-stamp';
const lockHash = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');

if (existsSync(stampPath) && readFileSync(stampPath, 'utf8').trim() === lockHash) process.exit(0);

console.error('atelier: installing dependencies (npm ci)…');
const env = {
  ...process.env,
  // These packages' install scripts try to download binaries that their npm tarballs already ship (CPU ONNX Runtime,
  // the c2pa-rs binding); the flags keep installs working offline. package.json's allowScripts denies them too.
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  npm_config_onnxruntime_node_install_cuda: 'skip',
  SKIP_RUST_BUILD: '1',
  SKIP_BINARY_DOWNLOAD: '1',
};
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', env });
if (result.status !== 0) {
  console.error('atelier: npm ci failed; see the messages above.');
  process.exit(result.status ?? 1);
}
writeFileSync(stampPath, lockHash + '\n');
