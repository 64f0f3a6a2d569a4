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

/**
 * One-time codes for `berth serve --open`: the browser is started with a link that carries one of
 * these instead of the token, so the token never appears in a process's arguments (which any user
 * on the computer can read with `ps`). A code works once, and only for a short while.
 */
export class OneTimeCodes {
  private readonly live = new Map<string, { expires: number; onUsed: () => void }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(onUsed: () => void = () => undefined): string {
    const code = randomBytes(32).toString('base64url');
    this.live.set(code, { expires: this.now() + this.ttlMs, onUsed });
    return code;
  }

  /** Whether the code is live; it is spent either way. */
  redeem(code: string | null): boolean {
    if (code === null) return false;
    for (const [known, entry] of this.live) {
      if (!tokenMatches(known, code)) continue;
      this.live.delete(known);
      if (entry.expires < this.now()) return false;
      entry.onUsed();
      return true;
    }
    return false;
  }
}
