import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh 32-byte token for one run of `berth serve`. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; hashing first makes both sides the same length, so length leaks nothing either. */
export function tokenMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/**
 * Only the loopback names, with our port, may address the server. A page on another site that
 * rebinds its DNS name to 127.0.0.1 still sends its own name as Host, and is refused here.
 */
export function hostAllowed(host: string | undefined, port: number): host is string {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

/** On the WebSocket upgrade, the page must be our own: its Origin is exactly the Host it talks to. */
export function originAllowed(origin: string | undefined, host: string): boolean {
  return origin === `http://${host}`;
}
