import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { Duplex, Readable } from 'node:stream';
import { BerthError } from '../../app/contract';
import type { SessionInfo, StreamRef, TerminalExit, TerminalStatus } from '../../app/contract';
import type { NodeLink } from '../nodes/node-link';
import type { SshConnection } from '../nodes/ssh-connection';
import { traceHop } from '../rpc/latency-trace';
import { LOGIN_SHELL } from './default-shell';
import type { FoundSession, SessionManager } from './session-manager';
import { whenConnected } from './when-connected';
import { log } from '../log/log';

/** How much of the session's recent output a new attach shows before live output. */
const REATTACH_TAIL_LINES = 500;
/** A half-dead connection (a laptop waking up) must not hold the decision for Docker's long timeout. */
const INSPECT_TIMEOUT_MS = 5000;
const RETRY_MS = 1000;
const CLOSE_TIMEOUT_MS = 2000;

interface Terminal {
  id: string;
  kind: 'attach' | 'exec';
  command: string[];
  /** Refreshed after a reconnection: the old Docker objects ride the dead connection. */
  found: FoundSession;
  /** What the UI reads; it outlives reconnections, so the UI keeps one stream and its scrollback. */
  output: PassThrough;
  /** The Docker stream of the moment; null while reconnecting. */
  io: Duplex | null;
  /** The SSH connection that stream rides: after a drop, only a newer one may carry the rejoin. */
  via: SshConnection | null;
  exec: Docker.Exec | null;
  size: { cols: number; rows: number };
  closedByUi: boolean;
  connectionLost: boolean;
}

export interface OpenTerminal {
  session: string;
  kind: 'attach' | 'exec';
  command: string[];
  cols: number;
  rows: number;
  /** Enter another user's session anyway: the user confirmed (the CLI's --force, the app's dialog). */
  force?: boolean;
}

/**
 * Terminals on sessions: an attach terminal joins the session's main process (after replaying its
 * recent output), an exec terminal starts a new process in it. Both are hijacked Docker streams
 * riding the node's SSH connection; their output reaches the UI through a backpressured stream.
 * When the connection drops, an attach terminal waits for the node and joins the same process
 * again; an exec terminal cannot (Docker cannot reattach to an exec), so its orphaned process is
 * ended and the UI is told it may open a new one.
 */
export class Terminals extends EventEmitter<{ status: [TerminalStatus] }> {
  private readonly open = new Map<string, Terminal>();

  constructor(private readonly sessions: SessionManager) {
    super();
  }

  async start(
    request: OpenTerminal,
    openStream: (source: Readable) => StreamRef,
  ): Promise<{ terminal: string; stream: string; session: SessionInfo }> {
    const found = await this.sessions.find(request.session);
    const { session } = found;
    // Before any replay: their recent output is theirs to show, and what is typed here reaches them.
    if (!session.mine && !request.force) {
      throw new BerthError(
        'invalid-params',
        `${session.name} belongs to ${session.owner}. ${request.kind === 'attach' ? 'Attaching shows their output and sends them what you type' : 'A new terminal in it runs as them, among their files'}: it needs --force (in the app, a confirmation).`,
      );
    }
    if (session.status !== 'running') {
      throw new BerthError(
        'invalid-params',
        `${session.name} is not running (it is ${session.status}${session.exitCode === undefined ? '' : `, exit code ${session.exitCode}`}).`,
      );
    }
    const terminal: Terminal = {
      id: randomBytes(8).toString('hex'),
      kind: request.kind,
      command: request.command,
      found,
      output: new PassThrough(),
      io: null,
      via: null,
      exec: null,
      size: { cols: request.cols, rows: request.rows },
      closedByUi: false,
      connectionLost: false,
    };
    await this.connect(terminal, true);
    this.open.set(terminal.id, terminal);
    terminal.output.on('close', () => void this.closed(terminal));
    const { stream } = openStream(terminal.output);
    return { terminal: terminal.id, stream, session };
  }

  input(id: string, data: string): void {
    const terminal = this.get(id);
    if (!terminal.io)
      throw new BerthError(
        'unavailable',
        `The connection to ${terminal.found.session.node} is down; what is typed now is not sent. Type again once the tab is live.`,
      );
    traceHop('input', id);
    terminal.io.write(data);
    traceHop('ssh', id);
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    const terminal = this.get(id);
    terminal.size = { cols, rows };
    // While reconnecting, the size is kept for the next attach.
    if (!terminal.io) return;
    if (terminal.exec) await terminal.exec.resize({ h: rows, w: cols });
    else await terminal.found.container.resize({ h: rows, w: cols });
  }

  /** How the terminal's stream ended: its process's exit code, whether the session ended with it, or a lost connection. */
  async exit(id: string): Promise<TerminalExit> {
    const terminal = this.get(id, true);
    const state = await terminal.found.container.inspect().then(
      (info) => info.State,
      () => null,
    );
    // Unreadable state: the container is gone, unless the connection is what went.
    const sessionEnded = state ? !state.Running : !terminal.connectionLost;
    if (terminal.connectionLost) return { exitCode: null, sessionEnded, connectionLost: true };
    if (terminal.exec) {
      const info = await terminal.exec.inspect().catch(() => null);
      return { exitCode: info && !info.Running ? info.ExitCode : null, sessionEnded, connectionLost: false };
    }
    return { exitCode: state && !state.Running ? state.ExitCode : null, sessionEnded, connectionLost: false };
  }

  private async connect(terminal: Terminal, replay: boolean): Promise<void> {
    const { container, session } = terminal.found;
    const { cols, rows } = terminal.size;
    let io: Duplex;
    if (terminal.kind === 'attach') {
      if (replay) {
        const recent = await container.logs({ stdout: true, stderr: true, tail: REATTACH_TAIL_LINES });
        if (recent.length > 0) terminal.output.write(recent);
      }
      io = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
      await container.resize({ h: rows, w: cols }).catch(() => undefined);
    } else {
      // No inspect first: Docker gives an exec the container's own user and working directory when
      // these are left out, and the size goes with the create, so the shell starts sized.
      const exec = await container.exec({
        Cmd: terminal.command.length > 0 ? terminal.command : LOGIN_SHELL,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        ConsoleSize: [rows, cols],
        // An exec inherits the container's own environment, but not what the GPU hook added at start.
        Env: session.gpus.length > 0 ? [`NVIDIA_VISIBLE_DEVICES=${session.gpus.join(',')}`] : [],
      });
      io = await exec.start({ hijack: true, stdin: true, Tty: true });
      terminal.exec = exec;
      // Not awaited: the shell's prompt need not wait a round trip for its size.
      exec.resize({ h: rows, w: cols }).catch(() => undefined);
    }
    terminal.io = io;
    terminal.via = terminal.found.link.ssh;
    io.on('error', () => undefined);
    io.pipe(terminal.output, { end: false });
    // Docker ends its side when the process exits; ending ours lets the SSH channel close.
    io.once('end', () => io.end());
    io.once('close', () => void this.streamEnded(terminal, io));
  }

  /** Docker's stream ended: the process ended (the UI is told by the end of its stream), or the connection went. */
  private async streamEnded(terminal: Terminal, io: Duplex): Promise<void> {
    if (terminal.closedByUi || terminal.io !== io) return;
    terminal.io = null;
    const state = await this.processState(terminal);
    if (state === 'ended') {
      terminal.output.end();
      return;
    }
    // Docker could not be asked: the connection went, and the rejoin must wait for a new one.
    await this.reconnect(terminal, state === 'unknown' ? terminal.via : null);
  }

  private async processState(terminal: Terminal): Promise<'ended' | 'running' | 'unknown'> {
    // Docker may close the stream a moment before it records the exit.
    for (let attempt = 0; attempt < 3; attempt++) {
      const read = terminal.exec
        ? terminal.exec.inspect().then((info) => info.Running)
        : terminal.found.container.inspect().then((info) => info.State.Running);
      // A request sent just as the connection died is never answered: stop waiting once the connection is known gone.
      const running = await Promise.race([withTimeout(read, INSPECT_TIMEOUT_MS).catch(() => null), connectionGone(terminal.via)]);
      if (running === null) return 'unknown';
      if (!running) return 'ended';
      await delay(200);
    }
    return 'running';
  }

  private async reconnect(terminal: Terminal, deadConnection: SshConnection | null): Promise<void> {
    const { link } = terminal.found;
    const node = terminal.found.session.node;
    let said = '';
    const say = (): void => {
      // The link's own words only when it needs the user (a password, a changed host key): "reconnecting" is said already.
      const waiting = ['connected', 'connecting', 'reconnecting'].includes(link.status.state);
      const detail = !waiting && link.status.message ? ` (${link.status.message})` : '';
      const message = `Lost the connection to ${node}; reconnecting…${detail}`;
      if (message !== said) this.status(terminal, 'reconnecting', (said = message));
    };
    say();
    link.on('changed', say);
    try {
      while (!terminal.closedByUi && !link.isClosed) {
        await whenConnected(link, deadConnection, () => terminal.closedByUi);
        if (terminal.closedByUi || link.isClosed) break;
        try {
          await this.rejoin(terminal);
          return;
        } catch {
          await delay(RETRY_MS);
        }
      }
      // The node's bookmark went (or Berth is quitting): nothing will come back on this terminal.
      if (!terminal.closedByUi) {
        terminal.connectionLost = true;
        terminal.output.end();
      }
    } finally {
      link.off('changed', say);
    }
  }

  private async rejoin(terminal: Terminal): Promise<void> {
    const { link } = terminal.found;
    const found = await this.sessions.findOn(link, terminal.found.session.id);
    if (found) terminal.found = found;
    if (!found || found.session.status !== 'running') {
      // The session ended while the node was away: the UI asks exit() and says so.
      terminal.output.end();
      return;
    }
    if (terminal.kind === 'exec') {
      const running = terminal.exec ? await hangUp(link, terminal.exec.id) : false;
      terminal.connectionLost = running;
      terminal.output.end();
      return;
    }
    await this.connect(terminal, false);
    this.status(terminal, 'live', `Reconnected to ${found.session.node}.`);
  }

  /**
   * Berth is quitting: every terminal lets go. Attached sessions run on; exec processes are hung up
   * as a closed tab's are (Docker leaves them running when their stream goes), briefly bounded.
   */
  async close(): Promise<void> {
    const hangUps: Promise<boolean>[] = [];
    for (const terminal of this.open.values()) {
      if (terminal.closedByUi) continue;
      terminal.closedByUi = true;
      terminal.io?.destroy();
      terminal.output.destroy();
      if (terminal.exec && !terminal.connectionLost) hangUps.push(hangUp(terminal.found.link, terminal.exec.id).catch(() => false));
    }
    await withTimeout(Promise.all(hangUps), CLOSE_TIMEOUT_MS).catch(() => undefined);
  }

  private status(terminal: Terminal, state: TerminalStatus['state'], message: string): void {
    this.emit('status', { terminal: terminal.id, state, message });
  }

  /** The UI closed the terminal or went away: an attach detaches (the session runs on); an exec's process is ended. */
  private async closed(terminal: Terminal): Promise<void> {
    if (terminal.closedByUi) return;
    terminal.closedByUi = true;
    terminal.io?.destroy();
    if (terminal.exec && !terminal.connectionLost) await hangUp(terminal.found.link, terminal.exec.id).catch(() => false);
    // Kept briefly so the UI can still ask how it ended.
    setTimeout(() => this.open.delete(terminal.id), 60_000).unref();
  }

  private get(id: string, evenIfClosed = false): Terminal {
    const terminal = this.open.get(id);
    if (!terminal || (!evenIfClosed && terminal.closedByUi)) throw new BerthError('not-found', `No open terminal ${id}; open a new one.`);
    return terminal;
  }
}

/** Sends SIGHUP to an exec's process if it still runs, as a closing terminal would; says whether it ran. */
async function hangUp(link: NodeLink, execId: string): Promise<boolean> {
  // Never connect just for this: a closed or reconnecting link has nothing to hang up on now.
  if (link.isClosed || link.status.state !== 'connected') return false;
  const docker = await link.dockerClient();
  const info = await docker.getExec(execId).inspect();
  const ssh = link.ssh;
  // The exec's process runs as the SSH user, so the SSH user may end it; the pid is Docker's integer.
  if (!info.Running || !Number.isInteger(info.Pid) || info.Pid <= 1 || !ssh) return false;
  await ssh.run('kill -HUP "$1"', [String(info.Pid)], { what: 'hang up a terminal' }).catch(log.ignored('terminals', 'hanging up an orphaned exec'));
  return true;
}

/** Resolves (with null) once `connection` is known to be gone; checked often, as this only runs while a stream is being judged. */
function connectionGone(connection: SshConnection | null): Promise<null> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (connection?.connected) return;
      clearInterval(timer);
      resolve(null);
    }, 100);
    setTimeout(() => clearInterval(timer), INSPECT_TIMEOUT_MS).unref();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  // Unref'd: a guard on a wait must not itself keep the process (a CLI command) alive.
  return Promise.race([promise, delay(ms, undefined, { ref: false }).then(() => Promise.reject(new Error('timed out')))]);
}
