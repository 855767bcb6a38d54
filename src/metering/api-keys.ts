/**
 * API key secrets: made, hashed, masked. A secret is 32 random bytes (256 bits) behind a readable prefix; only its
 * SHA-256 is stored. A fast hash is the right tool here: slow password hashes (scrypt, argon2) exist to stop guessing
 * of low-entropy human passwords, and nobody can guess 256 random bits, so they would only add latency to every
 * request. The digest is also what the database looks the key up by, so a leaked ledger never yields usable keys.
 */
import { createHash, randomBytes } from 'node:crypto';

export type KeyRole = 'user' | 'admin';

export const KEY_PREFIX = 'sk-atelier-';
export const ADMIN_KEY_PREFIX = 'sk-atelier-admin-';

export interface NewSecret {
  id: string;
  secret: string;
  hash: string;
  redacted: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function newSecret(role: KeyRole): NewSecret {
  const secret = (role === 'admin' ? ADMIN_KEY_PREFIX : KEY_PREFIX) + randomBytes(32).toString('base64url');
  return {
    id: `key_${randomBytes(8).toString('hex')}`,
    secret,
    hash: hashSecret(secret),
    redacted: `${role === 'admin' ? ADMIN_KEY_PREFIX : KEY_PREFIX}...${secret.slice(-4)}`,
  };
}

/**
 * How OpenAI echoes a wrong key in its 401: the first characters, asterisks, the last four. Long or short inputs are
 * clipped so a hostile header is never reflected back in full.
 */
export function maskForError(provided: string): string {
  const clean = provided.replace(/[^\x21-\x7e]/g, '?');
  if (clean.length < 12) return '*'.repeat(Math.min(clean.length, 8));
  const head = clean.slice(0, Math.min(8, Math.floor(clean.length / 4)));
  return `${head}${'*'.repeat(Math.min(clean.length - head.length - 4, 40))}${clean.slice(-4)}`;
}

/** Pulls the token out of `Authorization: Bearer <token>`; undefined when the header is absent or not Bearer. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}
