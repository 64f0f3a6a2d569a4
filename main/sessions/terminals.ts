import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import type { Duplex, Readable } from 'node:stream';
import { BerthError } from '../../app/contract';
import type { SessionInfo, StreamRef } from '../../app/contract';
import { LOGIN_SHELL } from './default-shell';
import type { FoundSession, SessionManager } from './session-manager';

/** How much of the session's recent output a reattach shows before live output. */
const REATTACH_TAIL_LINES = 500;

interface Terminal {
  kind: 'attach' | 'exec';
  io: Duplex;
  found: FoundSession;
  exec?: Docker.Exec;
}

export interface OpenTerminal {
  session: string;
  kind: 'attach' | 'exec';
  command: string[];
  cols: number;
  rows: number;
}

/**
 * Terminals on sessions: an attach terminal joins the session's main process (after replaying its
 * recent output), an exec terminal starts a new process in it. Both are hijacked Docker streams
 * riding the node's SSH connection; their output reaches the UI through a backpressured stream.
 */
export class Terminals {
  private readonly open = new Map<string, Terminal>();

  constructor(private readonly sessions: SessionManager) {}

  async start(
    request: OpenTerminal,
    openStream: (source: Readable) => StreamRef,
  ): Promise<{ terminal: string; stream: string; session: SessionInfo }> {
    const found = await this.sessions.find(request.session);
    const { container, session } = found;
    if (session.status !== 'running') {
      throw new BerthError(
        'invalid-params',
        `${session.name} is not running (it is ${session.status}${session.exitCode === undefined ? '' : `, exit code ${session.exitCode}`}).`,
      );
    }
    const id = randomBytes(8).toString('hex');
    let terminal: Terminal;
    let output: Readable;
    if (request.kind === 'attach') {
      const recent = await container.logs({ stdout: true, stderr: true, tail: REATTACH_TAIL_LINES });
      const io = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
      const combined = new PassThrough();
      if (recent.length > 0) combined.write(recent);
      io.pipe(combined);
      combined.on('close', () => io.destroy());
      terminal = { kind: 'attach', io, found };
      output = combined;
      await container.resize({ h: request.rows, w: request.cols }).catch(() => undefined);
    } else {
      const config = (await container.inspect()).Config;
      const exec = await container.exec({
        Cmd: request.command.length > 0 ? request.command : LOGIN_SHELL,
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: true,
        User: config.User,
        // An exec inherits the container's own environment, but not what the GPU hook added at start.
        Env: session.gpus.length > 0 ? [`NVIDIA_VISIBLE_DEVICES=${session.gpus.join(',')}`] : [],
        WorkingDir: config.WorkingDir,
      });
      const io = await exec.start({ hijack: true, stdin: true, Tty: true });
      terminal = { kind: 'exec', io, found, exec };
      output = io;
      await exec.resize({ h: request.rows, w: request.cols }).catch(() => undefined);
    }
    this.open.set(id, terminal);
    // Docker ends its side when the process exits; ending ours lets the SSH channel close.
    terminal.io.once('end', () => terminal.io.end());
    output.on('close', () => void this.closed(id));
    const { stream } = openStream(output);
    return { terminal: id, stream, session };
  }

  input(id: string, data: string): void {
    this.get(id).io.write(data);
  }

  async resize(id: string, cols: number, rows: number): Promise<void> {
    const terminal = this.get(id);
    if (terminal.exec) await terminal.exec.resize({ h: rows, w: cols });
    else await terminal.found.container.resize({ h: rows, w: cols });
  }

  /** How the terminal's process ended, and whether the session ended with it. */
  async exit(id: string): Promise<{ exitCode: number | null; sessionEnded: boolean }> {
    const terminal = this.get(id, true);
    const state = await terminal.found.container.inspect().then(
      (info) => info.State,
      () => null,
    );
    if (terminal.exec) {
      const info = await terminal.exec.inspect();
      return { exitCode: info.Running ? null : info.ExitCode, sessionEnded: state ? !state.Running : true };
    }
    return { exitCode: state && !state.Running ? state.ExitCode : null, sessionEnded: state ? !state.Running : true };
  }

  /** The UI closed the terminal or went away: an attach detaches (the session runs on); an exec's process is ended. */
  private async closed(id: string): Promise<void> {
    const terminal = this.open.get(id);
    if (!terminal) return;
    terminal.io.destroy();
    if (terminal.exec) {
      const info = await terminal.exec.inspect().catch(() => null);
      const ssh = terminal.found.link.ssh;
      // The exec's process runs as the SSH user, so the SSH user may end it; the pid is Docker's integer.
      if (info?.Running && Number.isInteger(info.Pid) && info.Pid > 1 && ssh) await ssh.exec(`kill -HUP ${info.Pid}`).catch(() => undefined);
    }
    // Kept briefly so the UI can still ask how it ended.
    setTimeout(() => this.open.delete(id), 60_000).unref();
  }

  private get(id: string, evenIfClosed = false): Terminal {
    const terminal = this.open.get(id);
    if (!terminal || (!evenIfClosed && terminal.io.destroyed)) throw new BerthError('not-found', `No open terminal ${id}; open a new one.`);
    return terminal;
  }
}
