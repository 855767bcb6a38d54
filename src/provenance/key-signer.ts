/**
 * Turns a PEM certificate chain + private key into the same RemoteSigner shape a KMS/HSM signer has, so the
 * manifest code has exactly one signing path. Node's crypto does the signing; ECDSA signatures come out in the
 * IEEE P1363 form (r||s) that COSE, and so c2pa-rs, requires.
 */
import { X509Certificate, createPrivateKey, sign, constants, type KeyObject } from 'node:crypto';
import type { RemoteSigner, SigningAlgorithm } from './content-credentials.ts';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, in order. */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(PEM_CERT) ?? [];
}

const CURVE_ALG: Record<string, { alg: SigningAlgorithm; hash: string }> = {
  prime256v1: { alg: 'es256', hash: 'sha256' },
  secp384r1: { alg: 'es384', hash: 'sha384' },
  secp521r1: { alg: 'es512', hash: 'sha512' },
};

interface KeyScheme {
  alg: SigningAlgorithm;
  sign(data: Buffer): Buffer;
}

function schemeFor(key: KeyObject): KeyScheme {
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve ?? '';
    const entry = CURVE_ALG[curve];
    if (!entry) throw new Error(`unsupported EC curve '${curve}' for C2PA signing (use P-256, P-384 or P-521)`);
    return { alg: entry.alg, sign: (data) => sign(entry.hash, data, { key, dsaEncoding: 'ieee-p1363' }) };
  }
  if (type === 'rsa' || type === 'rsa-pss') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < 2048) throw new Error(`RSA key of ${bits} bits is too small for C2PA signing (need at least 2048)`);
    // C2PA allows RSA only with PSS padding (PS256); the salt length equals the hash length.
    return {
      alg: 'ps256',
      sign: (data) => sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
    };
  }
  if (type === 'ed25519') return { alg: 'ed25519', sign: (data) => sign(null, data, key) };
  throw new Error(`unsupported key type '${type ?? 'unknown'}' for C2PA signing (use EC P-256/384/521, RSA or Ed25519)`);
}

/**
 * Builds a signer from PEM text. Throws a clear Error when the chain is empty, the key does not belong to the first
 * certificate, or the certificate is outside its validity period: a misconfiguration must stop startup, not produce
 * images whose credentials every verifier rejects.
 */
export function keySigner(chainPem: string, keyPem: string, opts: { tsaUrl?: string; now?: Date } = {}): RemoteSigner {
  const certs = splitPemCertificates(chainPem);
  if (certs.length === 0) throw new Error('the certificate chain contains no PEM certificate');
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw new Error(`cannot read the private key: ${(err as Error).message}`);
  }
  const leaf = new X509Certificate(certs[0]);
  if (!leaf.checkPrivateKey(key)) throw new Error(`the private key does not match the signing certificate ${leaf.subject}`);
  const now = opts.now ?? new Date();
  if (new Date(leaf.validTo) < now) throw new Error(`the signing certificate expired on ${leaf.validTo}`);
  if (new Date(leaf.validFrom) > now) throw new Error(`the signing certificate is not valid before ${leaf.validFrom}`);
  // c2pa-rs names the signer by the subject's organization and fails the claim signature without one.
  if (!/^O=/m.test(leaf.subject)) {
    throw new Error(`the signing certificate subject (${leaf.subject.replace(/\n/g, ', ')}) has no organization (O=), which C2PA requires`);
  }
  const scheme = schemeFor(key);
  return {
    alg: scheme.alg,
    certificateChainPem: certs.join('\n') + '\n',
    sign: async (data) => scheme.sign(data),
    tsaUrl: opts.tsaUrl,
  };
}
