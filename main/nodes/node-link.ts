import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import Docker from 'dockerode';
import type { Bookmark, DockerInventory, NodeStatus } from '../../app/contract';
import { withReservations } from '../../app/domain/gpus';
import { sessionIdleSince, trackIdle } from '../../app/domain/idle';
import { log } from '../log/log';
import { ConnectError } from './connect-error';
import { locateLedger } from './ledger-folders';
import { ChannelAgent } from './docker-channel';
import { dialStdio, explainDockerRefusal } from './docker-access';
import type { HostKeys } from './host-keys';
import { readGpus, readInventory, readSessions } from './inventory';
import type { Secrets } from './secrets';
import { SshConnection } from './ssh-connection';

export interface LinkDeps {
  hostKeys: HostKeys;
  secrets: Secrets;
  /** The link of another bookmark, for jump hosts. */
  linkFor(name: string): Promise<NodeLink>;
  readyTimeoutMs?: number;
}

const BACKOFF_MS = [1000, 2000, 4000, 8000, 16000, 30000];
const GPU_POLL_MS = 30_000;

/**
 * A bookmarked node while Berth runs: its one SSH connection (kept alive, re-established with
 * backoff when it drops), the Docker client that rides on it, and an inventory kept current from
 * Docker's event stream plus a gentle GPU query.
 */
/** A Berth session's container changed on the node (from Docker's event stream). */
export interface SessionEvent {
  /** Docker's action: start, die, destroy… */
  action: string;
  session: string;
  name: string;
  owner: string;
  exitCode?: number;
}

interface DockerEvent {
  Action?: string;
  status?: string;
  Actor?: { Attributes?: Record<string, string> };
}

export class NodeLink extends EventEmitter<{ changed: []; session: [SessionEvent] }> {
  status: NodeStatus = { state: 'idle' };
  inventory: DockerInventory | undefined;
  private connection: SshConnection | null = null;
  private docker: Docker | null = null;
  private pending: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private gpuTimer: NodeJS.Timeout | null = null;
  private stopEvents: (() => void) | null = null;
  private closed = false;
  private sessionReads = 0;
  /** Per GPU, since when it has read idle: kept across readings while Berth runs. */
  private readonly idleGpus = new Map<string, string>();

  constructor(
    public bookmark: Bookmark,
    private readonly deps: LinkDeps,
  ) {
    super();
  }

  /** Connects if not connected; resolves once connected, rejects with a ConnectError saying what the user must do. */
  ensureConnected(): Promise<void> {
    if (this.connection?.connected && this.docker) return Promise.resolve();
    this.pending ??= this.attempt().finally(() => (this.pending = null));
    return this.pending;
  }

  /** Closed for good (the bookmark went, or Berth is quitting): it will not connect again. */
  get isClosed(): boolean {
    return this.closed;
  }

  get ssh(): SshConnection | null {
    return this.connection;
  }

  async dockerClient(): Promise<Docker> {
    await this.ensureConnected();
    if (!this.docker) throw new Error(`${this.bookmark.name} has no Docker connection.`);
    return this.docker;
  }

  async refreshInventory(): Promise<DockerInventory> {
    const docker = await this.dockerClient();
    if (!this.connection) throw new Error(`${this.bookmark.name} is not connected.`);
    const connection = this.connection;
    const [inventory, ledger] = await Promise.all([
      readInventory(docker, connection),
      locateLedger(connection, this.bookmark.lockDir).then(
        (found) => ({
          folders: found.all.length ? [found.primary, ...found.all.filter((path) => path !== found.primary)] : [found.primary],
          problems: found.problems,
        }),
        (error: unknown) => ({ folders: [], problems: [error instanceof Error ? error.message : String(error)] }),
      ),
    ]);
    this.inventory = { ...this.withIdle(inventory, inventory.gpus, inventory.sessions), ledger };
    this.emit('changed');
    return this.inventory;
  }

  /** Stops for good: no reconnection, watchers off. */
  close(): void {
    this.closed = true;
    this.teardown();
    this.connection?.close();
    this.connection = null;
  }

  private setStatus(status: NodeStatus): void {
    this.status = status;
    this.emit('changed');
  }

  private async attempt(attempt = 0): Promise<void> {
    this.setStatus(attempt > 0 ? { state: 'reconnecting', attempt } : { state: 'connecting' });
    try {
      log.info(
        'link',
        `${this.bookmark.name}: connecting to ${this.bookmark.user}@${this.bookmark.host}:${this.bookmark.port}${attempt > 0 ? ` (attempt ${attempt})` : ''}`,
      );
      const connection = await this.openSsh((made) => (this.lastConnection = made));
      const { docker, via: dockerVia } = await this.openDocker(connection);
      this.connection = connection;
      this.docker = docker;
      connection.on('lost', () => this.onLost());
      connection.on('overflow', (count) => {
        if (this.connection === connection && this.status.state === 'connected') this.setStatus({ ...this.status, sshConnections: count });
      });
      this.status = { state: 'connected', dockerVia };
      log.info('link', `${this.bookmark.name}: connected; Docker via ${dockerVia}`);
      await this.refreshInventory().catch((error: unknown) => {
        log.warn('link', `${this.bookmark.name}: reading its inventory failed`, error);
        this.emit('changed');
      });
      this.watch();
    } catch (error) {
      const status: NodeStatus =
        error instanceof ConnectError ? error.status : { state: 'unreachable', message: error instanceof Error ? error.message : String(error) };
      log.warn('link', `${this.bookmark.name}: connection attempt ${attempt} failed (${status.state}): ${status.message ?? ''}`);
      this.setStatus(attempt > 0 && status.state === 'unreachable' ? { ...status, state: 'reconnecting', attempt } : status);
      // Keep trying while the node or its daemon may come back; a credential or host-key problem needs the user.
      if (attempt > 0 && (status.state === 'unreachable' || status.state === 'docker-unavailable') && !this.closed) this.scheduleRetry(attempt + 1);
      throw error instanceof ConnectError ? error : new ConnectError({ ...status, message: status.message ?? 'Connection failed.' });
    }
  }

  /**
   * A new SSH connection to the node, as the link makes its own (same host-key check, credentials
   * and jump host): the doctor uses one of its own, so it can look even where Docker is refused.
   */
  async openSsh(onMade: (connection: SshConnection) => void = () => undefined): Promise<SshConnection> {
    const via = this.bookmark.jump ? await this.jumpConnection(this.bookmark.jump) : undefined;
    const connection = new SshConnection({
      bookmark: this.bookmark,
      hostKeys: this.deps.hostKeys,
      secrets: this.deps.secrets,
      ...(via ? { via } : {}),
      ...(this.deps.readyTimeoutMs ? { readyTimeoutMs: this.deps.readyTimeoutMs } : {}),
    });
    onMade(connection);
    await connection.open();
    return connection;
  }

  /** The connection last tried, connected or not: it holds the host key the server presented. */
  lastConnection: SshConnection | null = null;

  private async jumpConnection(name: string): Promise<SshConnection> {
    const jump = await this.deps.linkFor(name);
    try {
      await jump.ensureConnected();
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ConnectError({ state: 'unreachable', message: `${this.bookmark.name} goes through ${name}, which is not connected: ${reason}` });
    }
    if (!jump.connection) throw new ConnectError({ state: 'unreachable', message: `The jump host ${name} is not connected.` });
    return jump.connection;
  }

  /**
   * Docker over a stream-local channel. OpenSSH refuses those with the same bare "open failed"
   * whether forwarding is off or the socket cannot be opened, so on refusal Berth tries
   * `docker system dial-stdio` over an exec channel, and only if that fails too looks at the socket
   * over SFTP to say what is wrong.
   */
  private async openDocker(connection: SshConnection): Promise<{ docker: Docker; via: 'streamlocal' | 'dial-stdio' }> {
    const socketPath = this.bookmark.dockerSocket;
    const client = (open: () => Promise<Duplex>): Docker =>
      new Docker({ protocol: 'http', host: 'docker', port: 80, agent: new ChannelAgent(open), timeout: 60_000 } as Docker.DockerOptions);
    try {
      const probe = await connection.streamLocal(socketPath);
      probe.destroy();
      const docker = client(() => connection.streamLocal(socketPath));
      await docker.ping();
      return { docker, via: 'streamlocal' };
    } catch (error) {
      // Refused, or the daemon did not answer: dial-stdio next.
      log.info('link', `${this.bookmark.name}: stream-local forwarding to ${socketPath} failed; trying docker system dial-stdio`, error);
    }
    const docker = client(() => dialStdio(connection, socketPath));
    try {
      await docker.ping();
      return { docker, via: 'dial-stdio' };
    } catch (error) {
      log.warn('link', `${this.bookmark.name}: docker system dial-stdio failed too`, error);
      const message = await explainDockerRefusal(connection, socketPath);
      connection.close();
      throw new ConnectError({ state: 'docker-unavailable', message });
    }
  }

  private onDockerEvent(line: string): void {
    let event: DockerEvent;
    try {
      event = JSON.parse(line) as DockerEvent;
    } catch {
      return;
    }
    const attributes = event.Actor?.Attributes ?? {};
    const session = attributes['berth.session'];
    const action = event.Action ?? event.status;
    if (!session || !action) return;
    const exitCode = attributes.exitCode === undefined ? undefined : Number(attributes.exitCode);
    this.emit('session', {
      action,
      session,
      name: attributes['berth.name'] ?? session,
      owner: attributes['berth.owner'] ?? '',
      ...(exitCode !== undefined && Number.isInteger(exitCode) ? { exitCode } : {}),
    });
  }

  private onLost(message = 'The connection dropped; reconnecting.'): void {
    log.warn('link', `${this.bookmark.name}: ${message}`);
    this.teardown();
    this.connection = null;
    this.docker = null;
    if (this.closed) return;
    this.setStatus({ state: 'reconnecting', attempt: 1, message });
    this.scheduleRetry(1);
  }

  private scheduleRetry(attempt: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const delay = BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)] ?? 30_000;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.closed || this.pending) return;
      // attempt() logs its own failure and schedules the next try.
      this.pending = this.attempt(attempt)
        .catch(log.ignored('link', `${this.bookmark.name}: reconnect attempt ${attempt}`))
        .finally(() => (this.pending = null));
    }, delay);
    this.retryTimer.unref();
  }

  /** Docker's event stream says when sessions change; the GPU query runs gently on a timer. */
  private watch(): void {
    const docker = this.docker;
    const connection = this.connection;
    if (!docker || !connection) return;
    let debounce: NodeJS.Timeout | null = null;
    docker.getEvents({ filters: { type: ['container'], label: ['berth.session'] } }).then(
      (stream) => {
        let stopped = false;
        this.stopEvents = () => {
          stopped = true;
          (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
        };
        let partial = '';
        stream.on('data', (chunk: Buffer) => {
          if (debounce) clearTimeout(debounce);
          debounce = setTimeout(() => void this.refreshSessions(docker), 150);
          debounce.unref();
          // One JSON object per line; a chunk may end mid-line.
          const lines = (partial + chunk.toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          for (const line of lines) this.onDockerEvent(line);
        });
        // Docker's event stream ends only when the daemon goes (or the channel does): treat it as a lost node.
        const ended = (): void => {
          if (stopped || this.closed || this.connection !== connection) return;
          connection.close();
          this.onLost('Docker on this node stopped answering; reconnecting.');
        };
        stream.on('end', ended);
        stream.on('error', ended);
      },
      log.ignored('link', `${this.bookmark.name}: Docker's event stream`),
    );
    this.gpuTimer = setInterval(() => void this.refreshGpus(connection), GPU_POLL_MS);
    this.gpuTimer.unref();
  }

  private async refreshSessions(docker: Docker): Promise<void> {
    if (!this.inventory) return;
    // Reads can overlap (die, then destroy): only the newest read may land.
    const generation = ++this.sessionReads;
    const sessions = await readSessions(docker).catch(
      (error: unknown) => (log.debug('link', `${this.bookmark.name}: reading sessions failed`, error), null),
    );
    if (!sessions || generation !== this.sessionReads || !this.inventory) return;
    this.inventory = this.withIdle(this.inventory, this.inventory.gpus, sessions, false);
    this.emit('changed');
  }

  private async refreshGpus(connection: SshConnection): Promise<void> {
    if (!this.inventory) return;
    const reading = await readGpus(connection).catch(
      (error: unknown) => (log.debug('link', `${this.bookmark.name}: reading GPUs failed`, error), null),
    );
    if (!reading) return;
    this.inventory = { ...this.withIdle(this.inventory, reading.gpus, this.inventory.sessions), nvidiaHook: reading.nvidiaHook };
    this.emit('changed');
  }

  /** GPUs with their holders and idle times, and sessions with theirs; `reading` says whether the GPUs are a new reading. */
  private withIdle(
    inventory: DockerInventory,
    gpus: DockerInventory['gpus'],
    sessions: DockerInventory['sessions'],
    reading = true,
  ): DockerInventory {
    const tracked = reading ? trackIdle(gpus, this.idleGpus, new Date().toISOString()) : gpus;
    const held = withReservations(tracked, sessions);
    return {
      ...inventory,
      gpus: held,
      sessions: sessions.map(({ idleSince: _old, ...hold }) => {
        const idleSince = sessionIdleSince(hold, held);
        return idleSince ? { ...hold, idleSince } : hold;
      }),
    };
  }

  private teardown(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.gpuTimer) clearInterval(this.gpuTimer);
    this.stopEvents?.();
    this.retryTimer = this.gpuTimer = null;
    this.stopEvents = null;
  }
}
