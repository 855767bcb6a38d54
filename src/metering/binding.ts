/**
 * Security by default for `atelier serve`: without API keys anyone who can reach the port could generate images on
 * the operator's hardware and bill, so a keyless server listens on loopback only unless the operator forces it.
 */
import { isIP } from 'node:net';

export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/** True when a socket's remote address (as Node reports it) is this machine. */
export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && isLoopbackHost(address);
}

/**
 * Throws when the server would listen beyond loopback with no API key to protect it. `force` is the operator's
 * explicit, informed override (e.g. behind an authenticating reverse proxy).
 */
export function assertSafeBinding(host: string, keysExist: boolean, force: boolean): void {
  if (keysExist || force || isLoopbackHost(host)) return;
  throw new Error(
    `Refusing to listen on ${host} without API keys: anyone who can reach this address could use the server. ` +
      'Create a key with `atelier keys create --name <name>`, listen on 127.0.0.1, ' +
      'or force keyless serving explicitly if an authenticating proxy sits in front.',
  );
}
