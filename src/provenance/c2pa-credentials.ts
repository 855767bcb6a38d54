/**
 * ContentCredentials on c2pa-rs (through @contentauth/c2pa-node): every image leaves with a signed C2PA manifest
 * whose hard binding (c2pa.hash.data) covers the final bytes, so it must be called after encoding/compression.
 */
import { readFile } from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import { Builder, type JsCallbackSignerConfig } from '@contentauth/c2pa-node';
import { ApiError } from '../contract/api-error.ts';
import type { ContentCredentials, RemoteSigner, SignRequest } from './content-credentials.ts';
import { SIGNED_MIME, sniffFormat } from './formats.ts';
import { keySigner, splitPemCertificates } from './key-signer.ts';
import { LOCAL_CA_NOTICE, ensureLocalCredentials } from './local-ca.ts';
import { planManifest, type ManifestPlan } from './manifest.ts';
import { verifyImage } from './verify.ts';

export interface ContentCredentialsOptions {
  /** Data directory; the local CA lives in `$home/credentials/` when no certificate is configured. */
  home: string;
  /** PEM chain: signing certificate first, then intermediates. Needs keyPath. */
  certPath?: string;
  /** PEM private key (PKCS#8 or SEC1/PKCS#1) of the signing certificate. */
  keyPath?: string;
  /** RFC 3161 timestamp authority; the signing time then comes from it rather than from our clock. */
  tsaUrl?: string;
  /** A key held elsewhere (KMS/HSM). Exclusive with certPath/keyPath. */
  signer?: RemoteSigner;
  /** Atelier's version, recorded in claim_generator_info. */
  version: string;
  /** Embed a thumbnail of the image in the manifest (off: it adds ~50 KB per image and says nothing new). */
  thumbnails?: boolean;
  /** Sign and verify one tiny image at startup so a bad certificate fails now, not on every request. Default true. */
  selfCheck?: boolean;
  /** Longest wait for one signature from the signer (a KMS call); default 30 s. */
  signTimeoutMs?: number;
  /** Where the one-time local-CA notice goes (default console.warn). */
  notice?: (message: string) => void;
}

export interface SignerDescription {
  source: 'local-ca' | 'configured' | 'remote';
  alg: string;
  subject?: string;
  issuer?: string;
  validTo?: string;
  /** The local CA certificate, when source is 'local-ca': the trust anchor verifiers need. */
  caCertPath?: string;
}

export interface AtelierContentCredentials extends ContentCredentials {
  readonly signer: SignerDescription;
  /** PEM of the local CA (source 'local-ca' only), for verifying our own images as trusted. */
  readonly localTrustAnchorPem?: string;
}

/** Room in the manifest for the COSE signature: the certificates, the signature and CBOR framing, plus an RFC 3161
 * token when a TSA is used. c2pa-rs fails the signing if this is too small, and pads when it is too large. */
function reserveSizeFor(signer: RemoteSigner, tsaUrl: string | undefined): number {
  return signer.certificateChainPem.length + 2048 + (tsaUrl ? 12288 : 0);
}

// 8x8 PNG used by the startup self-check.
const SELF_CHECK_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEUlEQVQImWMwTpuJFTEMLQkAyvtMgR4PNM4AAAAASUVORK5CYII=',
  'base64',
);

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the ${what} at ${path}: ${(err as Error).message}`);
  }
}

function describeChain(chainPem: string): Pick<SignerDescription, 'subject' | 'issuer' | 'validTo'> {
  const first = splitPemCertificates(chainPem)[0];
  if (!first) return {};
  const cert = new X509Certificate(first);
  return { subject: cert.subject.replace(/\n/g, ', '), issuer: cert.issuer.replace(/\n/g, ', '), validTo: cert.validTo };
}

async function resolveSigner(
  opts: ContentCredentialsOptions,
): Promise<{ signer: RemoteSigner; description: SignerDescription; localTrustAnchorPem?: string }> {
  if (opts.signer && (opts.certPath || opts.keyPath)) {
    throw new Error('configure either a remote signer or a certificate and key, not both');
  }
  if (!!opts.certPath !== !!opts.keyPath) throw new Error('a signing certificate needs its private key, and the reverse');
  if (opts.signer) {
    const signer = { ...opts.signer, tsaUrl: opts.signer.tsaUrl ?? opts.tsaUrl };
    if (splitPemCertificates(signer.certificateChainPem).length === 0) {
      throw new Error('the remote signer has no PEM certificate chain');
    }
    return { signer, description: { source: 'remote', alg: signer.alg, ...describeChain(signer.certificateChainPem) } };
  }
  if (opts.certPath && opts.keyPath) {
    const chain = await readPem(opts.certPath, 'signing certificate');
    const key = await readPem(opts.keyPath, 'private key');
    const signer = keySigner(chain, key, { tsaUrl: opts.tsaUrl });
    return { signer, description: { source: 'configured', alg: signer.alg, ...describeChain(chain) } };
  }
  const local = await ensureLocalCredentials(opts.home);
  if (local.created) (opts.notice ?? console.warn)(`${LOCAL_CA_NOTICE}\nCA certificate: ${local.caCertPath}`);
  const signer = keySigner(local.chainPem, local.keyPem, { tsaUrl: opts.tsaUrl });
  return {
    signer,
    description: { source: 'local-ca', alg: signer.alg, caCertPath: local.caCertPath, ...describeChain(local.chainPem) },
    localTrustAnchorPem: local.caPem,
  };
}

export async function createContentCredentials(opts: ContentCredentialsOptions): Promise<AtelierContentCredentials> {
  const { signer, description, localTrustAnchorPem } = await resolveSigner(opts);
  const settings = { builder: { thumbnail: { enabled: opts.thumbnails ?? false } } };
  const tsaUrl = signer.tsaUrl;
  // Passed per call (signConfigAsync) rather than as a long-lived CallbackSigner: the binding's callback channel
  // holds the Node event loop open for as long as the signer object lives, so a process would never exit.
  const signerConfig: JsCallbackSignerConfig = {
    alg: signer.alg,
    certs: splitPemCertificates(signer.certificateChainPem).map((pem) => Buffer.from(pem)),
    reserveSize: reserveSizeFor(signer, tsaUrl),
    tsaUrl,
    directCoseHandling: false,
  };
  const timeoutMs = opts.signTimeoutMs ?? 30_000;
  // A KMS that never answers must fail the request, not hold it (and its queue slot) forever.
  const signCallback = (data: Buffer) => withTimeout(signer.sign(data), timeoutMs, `the signer did not answer within ${timeoutMs} ms`);

  /** Set by embed() once c2pa-rs asks for the signature: failures after that are not about the ingredients. */
  interface Attempt {
    reachedSigner: boolean;
  }

  async function embed(request: SignRequest, plan: ManifestPlan, withIngredientAssets: boolean, attempt: Attempt): Promise<Buffer> {
    const builder = Builder.withJson(plan.definition, settings);
    for (const [i, ing] of plan.ingredients.entries()) {
      const source = request.ingredients[i];
      // With the asset, c2pa-rs hashes the ingredient and copies in its own manifest store when it has one.
      await builder.addIngredient(
        JSON.stringify(ing),
        withIngredientAssets ? { buffer: source.data, mimeType: SIGNED_MIME[source.format] } : undefined,
      );
    }
    const output: { buffer: Buffer | null } = { buffer: null };
    const callback = (data: Buffer) => {
      attempt.reachedSigner = true;
      return signCallback(data);
    };
    await builder.signConfigAsync(callback, signerConfig, { buffer: request.image, mimeType: SIGNED_MIME[request.format] }, output);
    if (!output.buffer) throw new Error('c2pa-rs returned no signed image');
    return output.buffer;
  }

  async function sign(request: SignRequest): Promise<Buffer> {
    const actual = sniffFormat(request.image);
    if (actual !== request.format) {
      // The caller encoded one format and labelled it another: a bug upstream, never user input.
      throw new Error(`sign(): the image bytes are ${actual ?? 'not an image'}, but format says ${request.format}`);
    }
    const plan = planManifest(request, opts.version);
    const attempt: Attempt = { reachedSigner: false };
    try {
      return await embed(request, plan, true, attempt);
    } catch (first) {
      // Signer, TSA and timeout failures would only repeat (and cost another KMS call); give up on those.
      if (plan.ingredients.length === 0 || attempt.reachedSigner) throw signingError(first);
      // An input whose container or embedded manifest c2pa-rs cannot parse must not cost the user their image: sign
      // again naming the ingredients (title, format, relationship) without hashing their bytes.
      try {
        return await embed(request, plan, false, { reachedSigner: false });
      } catch (second) {
        throw signingError(second);
      }
    }
  }

  const credentials: AtelierContentCredentials = { sign, signer: description, localTrustAnchorPem };
  if (opts.selfCheck ?? true) await selfCheck(credentials);
  return credentials;
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function signingError(err: unknown): ApiError {
  return new ApiError({
    status: 500,
    message: `The image could not be signed with Content Credentials: ${(err as Error).message}`,
    code: 'content_credentials_failed',
  });
}

async function selfCheck(credentials: AtelierContentCredentials): Promise<void> {
  const signed = await credentials.sign({
    image: SELF_CHECK_PNG,
    format: 'png',
    model: 'self-check',
    action: 'created',
    ingredients: [],
  });
  const report = await verifyImage(signed, { trustAnchorsPem: credentials.localTrustAnchorPem });
  const problems = report.failure.filter((f) => f.code !== 'signingCredential.untrusted');
  if (!report.valid || problems.length > 0) {
    const codes = problems.map((p) => `${p.code}${p.explanation ? ` (${p.explanation})` : ''}`).join('; ');
    throw new Error(`Content Credentials self-check failed: c2pa-rs reports ${report.state}: ${codes || 'no details'}`);
  }
}
