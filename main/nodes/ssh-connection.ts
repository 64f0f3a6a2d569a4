import { EventEmitter } from 'node:events';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { Bookmark } from '../../app/contract';
import type { HostKeys } from './host-keys';
import { log } from '../log/log';
import { NodeChannel } from './node-channel';
import { betweenMarkers, commandLine, markedScript, newMarker, streamScript } from './node-command';
import type { Secrets } from './secrets';
import { connectClient } from './ssh-client';
import { NodeCommandError } from './node-command-error';

export interface SshTarget {
  bookmark: Bookmark;
  /** The connection to the jump host, when the bookmark names one. */
  via?: SshConnection;
  hostKeys: HostKeys;
  secrets: Secrets;
  /** How long the TCP connect plus handshake may take before the node counts as unreachable. */
  readyTimeoutMs?: number;
}

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** What the login shell and rc files printed before the script ran. */
  preamble: string;
}

export interface RunOptions {
  /** What the command is for, in words: "read the GPUs". Failures name it. */
  what?: string;
  signal?: AbortSignal;
}

const EXEC_OUTPUT_LIMIT = 4 * 1024 * 1024;
/** sshd's MaxSessions counts session channels per connection (10 by default); past it Berth opens more connections, up to this many in all. */
const MAX_CONNECTIONS = 8;

/**
 * One SSH connection to one node: every Docker call, terminal and file transfer on the node is a
 * channel inside it. Commands go through the one helper in node-command.ts. When the node refuses
 * a further session channel (sshd's MaxSessions), the channel goes over another connection to the
 * same node, made with the same checked host key and the same credentials.
 */
export class SshConnection extends EventEmitter<{ lost: [Error | undefined]; overflow: [number] }> {
  private client: Client | null = null;
  /** Further connections, opened only when the node refuses more session channels on the ones there are. */
  private readonly extras: Client[] = [];
  private opening: Promise<Client> | null = null;
  private sftpSession: Promise<SFTPWrapper> | null = null;
  private closing = false;
  /** The key the server presented on the last attempt, kept so the user can accept exactly that one. */
  presentedKey: Buffer | null = null;

  constructor(private readonly target: SshTarget) {
    super();
  }

  get bookmark(): Bookmark {
    return this.target.bookmark;
  }

  /** How many SSH connections to the node this one uses (more than one past sshd's MaxSessions). */
  get connectionCount(): number {
    return this.client ? 1 + this.extras.length : 0;
  }

  async open(): Promise<void> {
    const client = await connectClient(this.target, (key) => (this.presentedKey = key));
    this.client = client;
    client.on('close', () => {
      this.client = null;
      this.sftpSession = null;
      for (const extra of this.extras.splice(0)) extra.end();
      if (!this.closing) this.emit('lost', undefined);
    });
    client.on('error', () => undefined);
  }

  /** Ends the connection on purpose; no 'lost' follows. */
  close(): void {
    this.closing = true;
    for (const extra of this.extras.splice(0)) extra.end();
    this.client?.end();
    this.client = null;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  forwardOut(host: string, port: number): Promise<ClientChannel> {
    return this.channel((client, done) => client.forwardOut('127.0.0.1', 0, host, port, done));
  }

  /** A channel to a Unix socket on the node (direct-streamlocal@openssh.com). */
  streamLocal(socketPath: string): Promise<ClientChannel> {
    return this.channel((client, done) => client.openssh_forwardOutStreamLocal(socketPath, done));
  }

  /** Runs a fixed POSIX sh script with its arguments (see node-command.ts) and reads what it printed. */
  async run(script: string, args: readonly string[] = [], options: RunOptions = {}): Promise<ExecResult> {
    const marker = newMarker();
    let code: number | null = null;
    // The exit status may arrive in the same read as the channel's confirmation, before any await
    // here returns: its listener goes on inside the callback.
    const channel = await this.sessionChannel<ClientChannel>((client, done) =>
      client.exec(commandLine(markedScript(script), [marker, ...args]), (error, opened) => {
        opened?.on('exit', (exitCode: number | null) => (code = exitCode));
        done(error, opened);
      }),
    );
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      // Decoded once at the end: a character split across two SSH packets must not be garbled.
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      const onAbort = (): void => void channel.close();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      channel.on('data', (chunk: Buffer) => {
        if (outBytes < EXEC_OUTPUT_LIMIT) out.push(chunk);
        outBytes += chunk.length;
      });
      channel.stderr.on('data', (chunk: Buffer) => {
        if (errBytes < EXEC_OUTPUT_LIMIT) err.push(chunk);
        errBytes += chunk.length;
      });
      channel.on('close', () => {
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
      });
    });
    const out = betweenMarkers(result.stdout, marker);
    const err = betweenMarkers(result.stderr, marker);
    if (!out) {
      // The script never started: the login shell itself refused (nologin, a broken rc file).
      const said = (result.stderr + result.stdout).trim().slice(-500);
      log.warn('node', `${this.bookmark.name}: the login shell did not run /bin/sh for "${options.what ?? 'a command'}": ${said}`);
      throw new NodeCommandError(this.bookmark.name, options.what ?? 'run a command', {
        code: result.code,
        detail: `your login shell on ${this.bookmark.name} did not run /bin/sh${said ? `; it said: ${said}` : ''}`,
        advice: 'Check that your account there has a working login shell (`getent passwd $USER`) and that your rc files do not exit.',
      });
    }
    return { code: result.code, stdout: out.output, stderr: err?.output ?? result.stderr, preamble: out.preamble };
  }

  /** Like run, but a non-zero exit is a NodeCommandError naming what failed and what it said. */
  async runOk(script: string, args: readonly string[], options: RunOptions & { what: string; advice?: string }): Promise<ExecResult> {
    const result = await this.run(script, args, options);
    if (result.code !== 0) {
      log.warn(
        'node',
        `${this.bookmark.name}: "${options.what}" exited ${String(result.code)}: ${(result.stderr || result.stdout).trim().slice(-300)}`,
      );
      throw new NodeCommandError(this.bookmark.name, options.what, {
        code: result.code,
        detail: result.stderr.trim() || result.stdout.trim(),
        ...(options.advice ? { advice: options.advice } : {}),
      });
    }
    return result;
  }

  /** A long-running script whose channel is the stream (Docker's API over dial-stdio, a lock holder). */
  async stream(script: string, args: readonly string[] = []): Promise<NodeChannel> {
    const marker = newMarker();
    // Wrapped inside the callback, so nothing the command prints first can pass unseen.
    return this.sessionChannel<NodeChannel>((client, done) =>
      client.exec(commandLine(streamScript(script), [marker, ...args]), (error, opened) => done(error, opened && new NodeChannel(opened, marker))),
    );
  }

  /**
   * How many more session channels the node grants on the primary connection (up to `max`): opens
   * idle ones until sshd refuses, then closes them all. For the doctor's MaxSessions line.
   */
  async freeSessionChannels(max: number): Promise<number> {
    const opened: ClientChannel[] = [];
    try {
      while (opened.length < max) {
        opened.push(await this.channel<ClientChannel>((client, done) => client.exec(commandLine('exec cat', []), done)));
      }
    } catch (error) {
      if (!refusedSession(error)) throw error;
    } finally {
      for (const channel of opened) channel.close();
    }
    return opened.length;
  }

  sftp(): Promise<SFTPWrapper> {
    this.sftpSession ??= this.sessionChannel<SFTPWrapper>((client, done) => client.sftp(done)).then(
      (sftp) => {
        // A closed SFTP channel is not handed out again: the next call opens a new one.
        sftp.once('close', () => (this.sftpSession = null));
        return sftp;
      },
      (error: unknown) => {
        this.sftpSession = null;
        throw error;
      },
    );
    return this.sftpSession;
  }

  private channel<T>(open: (client: Client, done: (error: Error | undefined, channel: T) => void) => void, client = this.client): Promise<T> {
    if (!client) return Promise.reject(this.notConnected());
    return new Promise((resolve, reject) => {
      try {
        open(client, (error, channel) => (error ? reject(error) : resolve(channel)));
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /**
   * A session channel (exec, sftp): these count against sshd's MaxSessions. OpenSSH refuses one
   * past the limit with a bare "open failed"; then the next connection is tried, and a new one
   * made when all are full.
   */
  private async sessionChannel<T>(open: (client: Client, done: (error: Error | undefined, channel: T) => void) => void): Promise<T> {
    let lastError: Error | undefined;
    for (;;) {
      const primary = this.client;
      if (!primary) throw this.notConnected();
      for (const client of [primary, ...this.extras]) {
        try {
          return await this.channel(open, client);
        } catch (error) {
          if (error instanceof NodeCommandError) throw error;
          if (!refusedSession(error)) {
            throw new NodeCommandError(this.bookmark.name, 'open a channel', {
              code: null,
              detail: error instanceof Error ? error.message : String(error),
              advice: 'The SSH connection dropped or the node refused the channel; Berth reconnects by itself: try again in a moment.',
            });
          }
          lastError = error as Error;
        }
      }
      // Every connection is full: one more (shared by all who overflow at this moment), then all are tried again.
      if (this.connectionCount >= MAX_CONNECTIONS) throw this.tooManySessions(lastError);
      await this.openExtra().catch((error: unknown) => {
        log.warn('ssh', `${this.bookmark.name}: a further connection was refused`, error);
        throw this.tooManySessions(lastError);
      });
    }
  }

  private openExtra(): Promise<Client> {
    // Many channels may overflow at once: they share one new connection.
    this.opening ??= connectClient(this.target, () => undefined)
      .then((client) => {
        if (!this.client) {
          client.end();
          throw new Error(`Not connected to ${this.bookmark.name}.`);
        }
        this.extras.push(client);
        client.on('close', () => {
          const at = this.extras.indexOf(client);
          if (at >= 0) this.extras.splice(at, 1);
        });
        client.on('error', () => undefined);
        log.info('ssh', `${this.bookmark.name}: the node refused a further channel (sshd MaxSessions); opened connection ${this.connectionCount}`);
        this.emit('overflow', this.connectionCount);
        return client;
      })
      .finally(() => (this.opening = null));
    return this.opening;
  }

  private notConnected(): NodeCommandError {
    return new NodeCommandError(this.bookmark.name, 'reach the node', {
      code: null,
      detail: 'the SSH connection is not open (it dropped, or was closed)',
      advice: 'Berth reconnects by itself: try again in a moment; `berth node show` says where it stands.',
    });
  }

  private tooManySessions(cause: Error | undefined): NodeCommandError {
    return new NodeCommandError(this.bookmark.name, 'open another channel', {
      code: null,
      detail: `the node refused it (${cause?.message ?? 'open failed'}) on all ${this.connectionCount} connections Berth has there`,
      advice:
        "sshd's MaxSessions limits channels per connection. Close some terminals or forwards, or ask the node's administrator to raise MaxSessions in sshd_config.",
    });
  }
}

function refusedSession(error: unknown): boolean {
  return error instanceof Error && /open failed|administratively prohibited/i.test(error.message);
}
