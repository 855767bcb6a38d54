/**
 * The default signing identity: a local CA and a C2PA signing certificate created once in `$home/credentials/`.
 *
 * C2PA validators (c2pa-rs) check the signer certificate profile, so the leaf carries exactly what the spec asks:
 * P-256, KU critical digitalSignature, EKU emailProtection + documentSigning (1.3.6.1.5.5.7.3.36), basicConstraints
 * critical CA:FALSE, SKI and AKI. The CA is CA:TRUE with keyCertSign/cRLSign. Nothing here is publicly trusted: a
 * verifier shows these images as "Trusted" only when it is given ca.pem as a trust anchor.
 */
import { webcrypto } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
// @peculiar/x509 resolves its ASN.1 schemas through tsyringe, which needs the Reflect metadata API.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DOCUMENT_SIGNING_EKU = '1.3.6.1.5.5.7.3.36';
const CA_YEARS = 10;
const LEAF_YEARS = 2;

export interface LocalCredentialFiles {
  dir: string;
  /** The local CA certificate: give it to verifiers as a trust anchor. */
  caCertPath: string;
  /** Signing certificate followed by the CA certificate (the chain C2PA embeds). */
  chainPath: string;
  /** PKCS#8 private key of the signing certificate (mode 0600). */
  keyPath: string;
}

export interface LocalCredentials extends LocalCredentialFiles {
  chainPem: string;
  keyPem: string;
  caPem: string;
  /** True when this call created the files (the caller prints the one-time notice). */
  created: boolean;
}

export function localCredentialFiles(home: string): LocalCredentialFiles {
  const dir = join(home, 'credentials');
  return {
    dir,
    caCertPath: join(dir, 'ca.pem'),
    chainPath: join(dir, 'signer-chain.pem'),
    keyPath: join(dir, 'signer-key.pem'),
  };
}

export const LOCAL_CA_NOTICE =
  'Atelier created a local certificate authority for Content Credentials. Images are signed with it, but it is NOT ' +
  'publicly trusted: C2PA verifiers report the signature as valid yet untrusted unless they are given the CA ' +
  'certificate as a trust anchor. Configure a certificate from a C2PA-trusted CA for public trust.';

const LOCK_WAIT_MS = 15_000;
const STALE_LOCK_MS = 60_000;

/**
 * Loads the local CA and signing certificate, creating them on first use. Two processes starting together on a
 * fresh data directory (a server and `atelier verify`, or several workers) must not each write half a key pair, so
 * creation happens under a lock file and the losers wait for the winner's files.
 */
export async function ensureLocalCredentials(home: string, now = new Date()): Promise<LocalCredentials> {
  const files = localCredentialFiles(home);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    const existing = await readExisting(files);
    if (existing) return { ...files, ...existing, created: false };
    await mkdir(files.dir, { recursive: true, mode: 0o700 });
    const lockPath = join(files.dir, '.creating.lock');
    const locked = await tryLock(lockPath);
    if (locked) {
      try {
        // Someone may have finished between our read and taking the lock.
        const raced = await readExisting(files);
        if (raced) return { ...files, ...raced, created: false };
        const generated = await generateCredentials(now);
        // Key first, CA last: readExisting() needs all three, and temp-file + rename never leaves half a PEM.
        await writeAtomic(files.keyPath, generated.keyPem, 0o600);
        await writeAtomic(files.chainPath, generated.chainPem, 0o644);
        await writeAtomic(files.caCertPath, generated.caPem, 0o644);
        return { ...files, ...generated, created: true };
      } finally {
        await rm(lockPath, { force: true });
      }
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${lockPath}; remove it if no Atelier is starting`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function tryLock(lockPath: string): Promise<boolean> {
  try {
    await writeFile(lockPath, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A process that died while creating leaves its lock behind; creation takes milliseconds, so an old lock is stale.
    const info = await stat(lockPath).catch(() => null);
    if (info && Date.now() - info.mtimeMs > STALE_LOCK_MS) await rm(lockPath, { force: true });
    return false;
  }
}

async function readExisting(files: LocalCredentialFiles): Promise<Omit<LocalCredentials, keyof LocalCredentialFiles | 'created'> | null> {
  try {
    const [caPem, chainPem, keyPem] = await Promise.all([
      readFile(files.caCertPath, 'utf8'),
      readFile(files.chainPath, 'utf8'),
      readFile(files.keyPath, 'utf8'),
    ]);
    return { caPem, chainPem, keyPem };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, text, { mode });
  await chmod(tmp, mode);
  await rename(tmp, path);
}

function addYears(date: Date, years: number): Date {
  const d = new Date(date);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d;
}

export type LeafKeyType = 'P-256' | 'P-384' | 'Ed25519' | 'RSA';

const LEAF_KEY_PARAMS: Record<LeafKeyType, EcKeyGenParams | RsaHashedKeyGenParams | Algorithm> = {
  'P-256': EC_P256,
  'P-384': { name: 'ECDSA', namedCurve: 'P-384' },
  Ed25519: { name: 'Ed25519' },
  RSA: { name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
};

/**
 * Creates a fresh CA + signing certificate pair in memory (PEM). The local CA always uses P-256; other leaf key
 * types exist for tests of configured certificates, and for operators who want to mint their own.
 */
export async function generateCredentials(
  now = new Date(),
  names: { ca: string; signer: string } = { ca: 'CN=Atelier Local C2PA CA, O=Atelier', signer: 'CN=Atelier Content Credentials, O=Atelier' },
  leafKeyType: LeafKeyType = 'P-256',
): Promise<{ caPem: string; chainPem: string; keyPem: string }> {
  // Backdate a little so a verifier whose clock lags by a few minutes does not see "not yet valid".
  const notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  const caKeys = (await webcrypto.subtle.generateKey(EC_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    name: names.ca,
    keys: caKeys,
    notBefore,
    notAfter: addYears(now, CA_YEARS),
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const leafKeys = (await webcrypto.subtle.generateKey(LEAF_KEY_PARAMS[leafKeyType], true, ['sign', 'verify'])) as CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    subject: names.signer,
    issuer: ca.subject,
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    notBefore,
    notAfter: addYears(now, LEAF_YEARS),
    signingAlgorithm: SIGN_ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.emailProtection, DOCUMENT_SIGNING_EKU], false),
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  const caPem = ca.toString('pem') + '\n';
  return {
    caPem,
    chainPem: leaf.toString('pem') + '\n' + caPem,
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n',
  };
}
