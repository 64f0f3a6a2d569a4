import ssh2 from 'ssh2';
import type { Client } from 'ssh2';
import type { Bookmark, HostKeyInfo } from '../../app/contract';
import { ConnectError } from './connect-error';
import type { HostKeyVerdict } from './host-keys';
import { authFor, authRefused } from './ssh-auth';
import type { SshTarget } from './ssh-connection';

const KEEPALIVE_MS = 15_000;

/**
 * One SSH client, connected and logged in: the host key is checked before any credential goes out,
 * and a failure is told in words that say what to do.
 */
export async function connectClient(target: SshTarget, onKey: (key: Buffer) => void): Promise<Client> {
  const { bookmark, via, hostKeys, secrets } = target;
  const sock = via ? await via.forwardOut(bookmark.host, bookmark.port) : undefined;
  let verdict: HostKeyVerdict | null = null;
  let authProblem: ConnectError | null = null;
  let authTried = false;

  // ssh2 is CommonJS without static named exports, so Node's ESM loader sees only its default export.
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => {
      // Terminal keystrokes are tiny writes: Nagle's algorithm would hold each behind the last one's ACK.
      client.setNoDelay(true);
      resolve();
    });
    // on, not once: ssh2 can report a second error (the socket closing) after the first.
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      client.end();
      reject(authProblem ?? explain(target, error, verdict));
    });
    client.connect({
      host: bookmark.host,
      port: bookmark.port,
      username: bookmark.user,
      ...(sock ? { sock } : {}),
      readyTimeout: target.readyTimeoutMs ?? 15_000,
      keepaliveInterval: KEEPALIVE_MS,
      keepaliveCountMax: 3,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        onKey(Buffer.from(key));
        hostKeys.check(bookmark.host, bookmark.port, key).then(
          (result) => {
            verdict = result;
            verify(result.verdict === 'known');
          },
          () => verify(false),
        );
      },
      // Called only once the host key has passed, as OpenSSH asks for a password only then.
      // The bookmark names one method; once it has been tried, there is nothing more to try.
      authHandler: (_methodsLeft, _partialSuccess, next) => {
        const stop = next as unknown as (done: false) => void;
        if (authTried) return stop(false);
        authTried = true;
        authFor(bookmark, secrets).then(next, (error: unknown) => {
          authProblem = error instanceof ConnectError ? error : new ConnectError({ state: 'auth-failed', message: String(error) });
          stop(false);
        });
      },
    });
  }).catch(async (error: unknown) => {
    if (error instanceof ConnectError && error.status.state === 'auth-failed' && bookmark.auth.kind !== 'key' && bookmark.auth.kind !== 'agent') {
      await secrets.forget(bookmark.name, 'password');
      throw new ConnectError({ state: 'needs-secret', secret: 'password', message: error.message });
    }
    throw error;
  });
  return client;
}

function explain(target: SshTarget, error: Error & { level?: string; code?: string }, verdict: HostKeyVerdict | null): ConnectError {
  const { bookmark } = target;
  const where = `${bookmark.host}:${bookmark.port}`;
  if (verdict && verdict.verdict !== 'known') return hostKeyError(bookmark, verdict.verdict, verdict.key);
  if (error.level === 'client-authentication') return new ConnectError({ state: 'auth-failed', message: authRefused(bookmark) });
  if (error.level === 'client-timeout') {
    return new ConnectError({
      state: 'unreachable',
      message: `${where} did not answer within ${(target.readyTimeoutMs ?? 15_000) / 1000} s. Check the address, the VPN, and that the node is up.`,
    });
  }
  switch (error.code) {
    case 'ECONNREFUSED':
      return new ConnectError({
        state: 'unreachable',
        message: `Nothing accepts SSH connections at ${where} (connection refused). Check the host and port, and that sshd runs on the node.`,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectError({
        state: 'unreachable',
        message: `The host name ${bookmark.host} could not be resolved. Check its spelling, or your VPN and DNS.`,
      });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return new ConnectError({
        state: 'unreachable',
        message: `${where} cannot be reached (${error.code}). Check the address, the VPN, and that the node is up.`,
      });
    default:
      return new ConnectError({ state: 'unreachable', message: `The SSH connection to ${where} failed: ${error.message}.` });
  }
}

function hostKeyError(bookmark: Bookmark, verdict: 'unknown' | 'changed' | 'revoked', key: HostKeyInfo): ConnectError {
  const node = `${bookmark.name} (${bookmark.host}:${bookmark.port})`;
  if (verdict === 'unknown') {
    return new ConnectError({
      state: 'host-key-unknown',
      hostKey: key,
      message: `The authenticity of ${node} can't be established. Its ${key.type} key fingerprint is ${key.fingerprint}. Check it with the node's administrator before you accept it.`,
    });
  }
  const expected = key.expected?.join(', ') ?? 'a revoked key';
  return new ConnectError({
    state: 'host-key-changed',
    hostKey: key,
    message:
      verdict === 'revoked'
        ? `The host key of ${node} (${key.fingerprint}) is marked @revoked in known_hosts. Berth will not connect.`
        : `WARNING: the host key of ${node} has changed. It is now ${key.type} ${key.fingerprint}; Berth knew ${expected}. Someone may be intercepting the connection, or the node was reinstalled. Berth will not connect. If the node's administrator confirms the new key, remove the old one (ssh-keygen -R "${bookmark.port === 22 ? bookmark.host : `[${bookmark.host}]:${bookmark.port}`}", and from Berth's known_hosts) and connect again.`,
  });
}
