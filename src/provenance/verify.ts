/**
 * Verification with c2pa-rs (the reference implementation): what `atelier verify` and POST /v1/provenance/verify
 * report. The verdict is c2pa-rs's own; this file only condenses its manifest store JSON into a summary.
 */
import { Reader } from '@contentauth/c2pa-node';
import { ApiError, invalidParam } from '../contract/api-error.ts';
import type {
  ActionSummary,
  IngredientSummary,
  ValidationState,
  ValidationStatus,
  VerificationReport,
  VerifyOptions,
} from './content-credentials.ts';
import { mimeOf, sniffFormat, type VerifiableFormat } from './formats.ts';
import { splitPemCertificates } from './key-signer.ts';

/** Uploads larger than this are refused before c2pa-rs sees them (OpenAI's own image upload limit). */
export const MAX_VERIFY_BYTES = 50 * 1024 * 1024;

const UNTRUSTED = 'signingCredential.untrusted';

/** c2pa-rs's settings for reading. Remote manifests and OCSP are never fetched: an uploaded file must not make the
 * server issue requests to addresses the uploader chose. */
export function readerSettings(trustAnchorsPem?: string): object {
  const verify = { verify_trust: true, remote_manifest_fetch: false, ocsp_fetch: false };
  return trustAnchorsPem ? { verify, trust: { trust_anchors: trustAnchorsPem } } : { verify };
}

export async function verifyImage(bytes: Uint8Array, opts: VerifyOptions = {}): Promise<VerificationReport> {
  if (bytes.length === 0) throw invalidParam('file', 'The file is empty.', 'empty_file');
  if (bytes.length > MAX_VERIFY_BYTES) {
    throw new ApiError({
      status: 413,
      param: 'file',
      code: 'file_too_large',
      message: `The file is ${bytes.length} bytes; the limit is ${MAX_VERIFY_BYTES} bytes.`,
    });
  }
  const format = sniffFormat(bytes);
  if (!format) {
    throw invalidParam(
      'file',
      'The file is not an image Content Credentials can be read from (png, jpeg, webp, gif, tiff, avif or heic).',
      'invalid_image_format',
    );
  }
  if (opts.trustAnchorsPem !== undefined && splitPemCertificates(opts.trustAnchorsPem).length === 0) {
    throw invalidParam('trust_anchors', 'The trust anchors contain no PEM certificate.');
  }

  let store: unknown;
  try {
    const reader = await Reader.fromAsset(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), mimeType: mimeOf(format) },
      readerSettings(opts.trustAnchorsPem),
    );
    if (!reader) return emptyReport('absent', format);
    store = reader.json();
  } catch (err) {
    // c2pa-rs refuses files it cannot parse at all (a corrupt manifest or container); that is a failed verification.
    const report = emptyReport('invalid', format);
    report.failure.push({ code: 'c2pa.error', explanation: (err as Error).message });
    return report;
  }
  return summarize(store, format);
}

function emptyReport(state: ValidationState, format: VerifiableFormat): VerificationReport {
  return { state, valid: false, format: mimeOf(format), actions: [], ingredients: [], success: [], informational: [], failure: [] };
}

// The manifest store JSON is untyped at this boundary: read it defensively, field by field.
type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function statuses(v: unknown): ValidationStatus[] {
  return arr(v).map((s) => {
    const o = obj(s);
    return { code: str(o.code) ?? 'unknown', url: str(o.url), explanation: str(o.explanation) };
  });
}

function stateOf(v: unknown): ValidationState {
  const s = str(v)?.toLowerCase();
  return s === 'trusted' || s === 'valid' ? s : 'invalid';
}

function summarizeActions(manifest: Json): ActionSummary[] {
  const out: ActionSummary[] = [];
  for (const assertion of arr(manifest.assertions)) {
    const a = obj(assertion);
    if (!str(a.label)?.startsWith('c2pa.actions')) continue;
    for (const action of arr(obj(a.data).actions)) {
      const act = obj(action);
      const agent = act.softwareAgent;
      const ingredientUrls = arr(obj(act.parameters).ingredients).map((i) => str(obj(i).url)).filter((u): u is string => !!u);
      out.push({
        action: str(act.action) ?? 'unknown',
        digitalSourceType: str(act.digitalSourceType),
        softwareAgent: typeof agent === 'string' ? agent : str(obj(agent).name),
        ingredients: ingredientUrls.length ? ingredientUrls : undefined,
      });
    }
  }
  return out;
}

function summarizeIngredients(manifest: Json, deltas: unknown): IngredientSummary[] {
  const deltaByLabel = new Map<string, Json>();
  for (const d of arr(deltas)) {
    const uri = str(obj(d).ingredientAssertionURI) ?? '';
    deltaByLabel.set(uri.slice(uri.lastIndexOf('/') + 1), obj(obj(d).validationDeltas));
  }
  return arr(manifest.ingredients).map((i) => {
    const ing = obj(i);
    const hasManifest = !!ing.active_manifest || !!ing.manifest_data;
    const summary: IngredientSummary = {
      title: str(ing.title),
      format: str(ing.format),
      relationship: str(ing.relationship),
      hasManifest,
    };
    if (hasManifest) {
      // The delta is the verdict at read time (with this reader's trust anchors); the stored results are the
      // verdict the signer saw when it added the ingredient.
      const recorded = obj(obj(ing.validation_results).activeManifest);
      const delta = deltaByLabel.get(str(ing.label) ?? '') ?? {};
      const failures = [...statuses(recorded.failure), ...statuses(delta.failure)].map((s) => s.code);
      const successes = [...statuses(recorded.success), ...statuses(delta.success)].map((s) => s.code);
      summary.validationState = failures.some((c) => c !== UNTRUSTED)
        ? 'invalid'
        : successes.includes('signingCredential.trusted')
          ? 'trusted'
          : 'valid';
    }
    return summary;
  });
}

function summarize(storeJson: unknown, format: VerifiableFormat): VerificationReport {
  const store = obj(storeJson);
  const label = str(store.active_manifest);
  const manifest = obj(label ? obj(store.manifests)[label] : undefined);
  const results = obj(store.validation_results);
  const active = obj(results.activeManifest);
  const state = stateOf(store.validation_state);
  const actions = summarizeActions(manifest);
  const generator = obj(arr(manifest.claim_generator_info)[0]);
  const signature = obj(manifest.signature_info);
  const creator = actions.find((a) => a.softwareAgent && (a.action === 'c2pa.created' || a.action === 'c2pa.edited'));
  // Older stores (and failures outside the active manifest) only fill the flat validation_status list.
  const failure = statuses(active.failure);
  if (!results.activeManifest) failure.push(...statuses(store.validation_status));

  return {
    state,
    valid: state === 'valid' || state === 'trusted',
    format: str(manifest.format) ?? mimeOf(format),
    title: str(manifest.title),
    claimGenerator: generator.name ? [str(generator.name), str(generator.version)].filter(Boolean).join(' ') : str(manifest.claim_generator),
    actions,
    softwareAgent: creator?.softwareAgent ?? actions.find((a) => a.softwareAgent)?.softwareAgent,
    ingredients: summarizeIngredients(manifest, results.ingredientDeltas),
    signer: Object.keys(signature).length
      ? { organization: str(signature.issuer), commonName: str(signature.common_name), alg: str(signature.alg), time: str(signature.time) }
      : undefined,
    success: statuses(active.success).map((s) => s.code),
    informational: statuses(active.informational).map((s) => s.code),
    failure,
  };
}
