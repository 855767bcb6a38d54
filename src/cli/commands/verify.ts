/**
 * `atelier verify <file...>`: c2pa-rs's verdict on each file's Content Credentials. Exit 0 only when every file
 * carries a valid manifest (with --require-trusted: a trusted one), 1 otherwise, 2 for usage errors.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { atelierHome } from '../../config/config.ts';
import { parseArgs } from 'node:util';
import { ApiError } from '../../contract/api-error.ts';
import { localCredentialFiles } from '../../provenance/local-ca.ts';
import { MAX_VERIFY_BYTES, verifyImage } from '../../provenance/verify.ts';
import type { VerificationReport } from '../../provenance/content-credentials.ts';

export const summary = 'Check the Content Credentials (C2PA) of image files';

const HELP = `Usage: atelier verify [options] <file...>

Prints each file's C2PA manifest summary and c2pa-rs's validation state:
  trusted   valid, and signed by a certificate that chains to a trust anchor
  valid     intact and correctly signed, but the signer is not in the trust anchors
  invalid   tampered with, or the signature or certificate is wrong
  absent    no Content Credentials in the file
Exit status: 0 when every file is valid or trusted, 1 otherwise, 2 for usage errors.

Options:
  --trust-anchors <pem>  PEM file of CA certificates to trust (repeatable)
  --ignore-local-ca      do not trust this machine's Atelier CA ($ATELIER_HOME/credentials/ca.pem)
  --require-trusted      exit 0 only when every file is trusted
  --json                 print the reports as JSON
  -h, --help             show this help`;


function formatReport(file: string, r: VerificationReport, anchors: string[]): string {
  const lines = [`${file}: ${r.state.toUpperCase()}`];
  const add = (label: string, value: string | undefined) => value && lines.push(`  ${label.padEnd(17)} ${value}`);
  add('format', r.format);
  add('claim generator', r.claimGenerator);
  add('made by', r.softwareAgent);
  for (const a of r.actions) add('action', [a.action, a.digitalSourceType?.split('/').pop()].filter(Boolean).join('  '));
  for (const i of r.ingredients) {
    const cred = i.hasManifest ? `own credentials: ${i.validationState ?? 'unknown'}` : 'no credentials';
    add('ingredient', `${i.title ?? '(untitled)'} (${i.relationship ?? 'ingredient'}; ${cred})`);
  }
  if (r.signer) {
    const org = r.signer.organization ? ` (${r.signer.organization})` : '';
    add('signed by', `${r.signer.commonName ?? 'unknown signer'}${org}${r.signer.alg ? `, ${r.signer.alg.toUpperCase()}` : ''}`);
  }
  add('signed at', r.signer?.time);
  for (const code of r.informational) add('note', code);
  for (const f of r.failure) {
    add(f.code === 'signingCredential.untrusted' ? 'not trusted' : 'FAILURE', `${f.code}${f.explanation ? `: ${f.explanation}` : ''}`);
  }
  if (r.state === 'valid') add('trust anchors', anchors.length ? anchors.join(', ') : 'none given (use --trust-anchors)');
  return lines.join('\n');
}

export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        'trust-anchors': { type: 'string', multiple: true },
        'ignore-local-ca': { type: 'boolean' },
        'require-trusted': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    console.error(`atelier verify: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) {
    console.error(`atelier verify: name at least one image file\n\n${HELP}`);
    return 2;
  }

  const anchorFiles = [...(values['trust-anchors'] ?? [])];
  const localCa = localCredentialFiles(atelierHome()).caCertPath;
  if (!values['ignore-local-ca'] && existsSync(localCa)) anchorFiles.push(localCa);
  let trustAnchorsPem: string | undefined;
  try {
    trustAnchorsPem = anchorFiles.length ? (await Promise.all(anchorFiles.map((f) => readFile(f, 'utf8')))).join('\n') : undefined;
  } catch (err) {
    console.error(`atelier verify: cannot read trust anchors: ${(err as Error).message}`);
    return 2;
  }

  let ok = true;
  const reports: Record<string, VerificationReport | { error: string }> = {};
  for (const file of positionals) {
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a regular file');
      if (info.size > MAX_VERIFY_BYTES) throw new Error(`${info.size} bytes is over the ${MAX_VERIFY_BYTES}-byte limit`);
      const report = await verifyImage(await readFile(file), { trustAnchorsPem });
      reports[file] = report;
      ok &&= values['require-trusted'] ? report.state === 'trusted' : report.valid;
      if (!values.json) console.log(formatReport(file, report, anchorFiles));
    } catch (err) {
      ok = false;
      const message = err instanceof ApiError || err instanceof Error ? err.message : String(err);
      reports[file] = { error: message };
      if (!values.json) console.log(`${file}: ERROR ${message}`);
    }
  }
  if (values.json) console.log(JSON.stringify(reports, null, 2));
  return ok ? 0 : 1;
}
