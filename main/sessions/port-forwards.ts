import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { ulid } from 'ulid';
import { BerthError } from '../../app/contract';
import type { PortForward } from '../../app/contract';
import type { NodeManager } from '../nodes/node-manager';
import type { FoundSession, SessionManager } from './session-manager';
import { log } from '../log/log';

/** Local ports tried after the one asked for, when it is in use. */
const TRIES = 100;

interface Open {
  info: PortForward;
  server: Server;
  sockets: Set<Socket>;
}

/** Where the session's port is reached from the node: its loopback publication, else the container's own address. */
async function target(found: FoundSession, port: number): Promise<{ host: string; port: number }> {
  const info = await found.container.inspect();
  if (!info.State.Running) throw new BerthError('not-found', `The session ${found.session.name} has ended: there is nothing to forward to.`);
  const published = info.NetworkSettings.Ports[`${port}/tcp`]?.find((binding) => binding.HostIp === '127.0.0.1' && binding.HostPort);
  if (published) return { host: '127.0.0.1', port: Number(published.HostPort) };
  if (info.HostConfig.NetworkMode === 'host') return { host: '127.0.0.1', port };
  const address = Object.values(info.NetworkSettings.Networks).find((network) => network.IPAddress)?.IPAddress;
  if (!address)
    throw new BerthError(
      'unavailable',
      `The session ${found.session.name} has no network address on ${found.session.node}, so only ports declared when it is created (Ports to open here in the New session dialog, --port with the CLI; published on the node's loopback) can be reached.`,
    );
  return { host: address, port };
}

function listen(server: Server, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(false);
      else reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve(true);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, '127.0.0.1');
  });
}

/**
 * Session ports on this computer's 127.0.0.1, carried over the node's SSH connection (direct-tcpip
 * to the port published on the node's loopback, or to the container's address): never published
 * on the node's network. Each new local connection finds the node's current connection, so a
 * forward comes back by itself after a reconnect.
 */
export class PortForwards extends EventEmitter<{ changed: [PortForward[]] }> {
  private readonly open = new Map<string, Open>();
  private readonly restored = new Set<string>();
  /** Forwards being opened, by session and port: two askers (the create call, the start event) get one forward. */
  private readonly opening = new Map<string, Promise<PortForward>>();

  /** With `keepDeclared`, declared ports of my sessions are forwarded whenever Berth sees them run (the app; not the CLI, which forwards what it is told). */
  constructor(
    private readonly sessions: SessionManager,
    nodes: NodeManager,
    keepDeclared: boolean,
  ) {
    super();
    nodes.on('session', (event) => {
      // A session that ends takes its forwards with it.
      if (event.action === 'die' || event.action === 'destroy') {
        for (const entry of this.open.values()) if (entry.info.session === event.session) this.end(entry);
      }
      // One of mine started (made in another window, or by the CLI): its declared ports come here too.
      if (keepDeclared && event.action === 'start' && event.owner === event.user) void this.forwardDeclared(event.node, event.session);
    });
    if (!keepDeclared) return;
    // Once per run and node, when it connects: my running sessions' declared ports, as before Berth last quit.
    nodes.on('changed', (summary) => {
      if (summary.status.state !== 'connected' || this.restored.has(summary.name)) return;
      this.restored.add(summary.name);
      void this.forwardDeclared(summary.name);
    });
  }

  private async forwardDeclared(node: string, only?: string): Promise<void> {
    const { sessions } = await this.sessions.list({ node, everyone: false }).catch(() => ({ sessions: [] }));
    for (const session of sessions) {
      if (session.status !== 'running' || (only && session.id !== only)) continue;
      for (const port of session.ports) {
        if ([...this.open.values()].some((o) => o.info.session === session.id && o.info.port === port)) continue;
        await this.start(session.id, port).catch(log.ignored('forwards', `forwarding port ${port} of ${session.name} again`));
      }
    }
  }

  async start(sessionKey: string, port: number, localPort?: number): Promise<PortForward> {
    const found = await this.sessions.find(sessionKey).catch(async (error: unknown) => {
      // Stopped sessions are removed from the node, but Berth's history remembers them.
      const ended = (await this.sessions.history()).find(
        (entry) => entry.id === sessionKey || entry.id.startsWith(sessionKey) || entry.name === sessionKey,
      );
      if (!ended) throw error;
      throw new BerthError(
        'not-found',
        `The session ${ended.name} ended${ended.exitCode === undefined ? '' : ` (exit code ${ended.exitCode})`} at ${ended.finishedAt}: there is nothing to forward to.`,
      );
    });
    await target(found, port);
    const key = `${found.session.id}:${port}`;
    if (localPort === undefined) {
      const existing = [...this.open.values()].find((o) => o.info.session === found.session.id && o.info.port === port);
      if (existing) return existing.info;
      const pending = this.opening.get(key);
      if (pending) return pending;
    }
    const opening = this.listen(found, port, localPort);
    if (localPort === undefined) this.opening.set(key, opening);
    try {
      return await opening;
    } finally {
      if (this.opening.get(key) === opening) this.opening.delete(key);
    }
  }

  private async listen(found: FoundSession, port: number, localPort: number | undefined): Promise<PortForward> {
    const server = createServer();
    const wanted = localPort ?? port;
    let bound = 0;
    for (let candidate = wanted; candidate < Math.min(wanted + TRIES, 65536); candidate++) {
      if (await listen(server, candidate)) {
        bound = candidate;
        break;
      }
    }
    if (bound === 0)
      throw new BerthError('unavailable', `No local port from ${wanted} to ${wanted + TRIES - 1} is free; name another with PORT:LOCALPORT.`);

    const info: PortForward = {
      id: ulid(),
      session: found.session.id,
      sessionName: found.session.name,
      node: found.session.node,
      port,
      localPort: bound,
      url: `http://127.0.0.1:${bound}/`,
      ...(bound !== wanted ? { note: `Local port ${wanted} is in use, so ${found.session.name}:${port} is at ${bound}.` } : {}),
    };
    const entry: Open = { info, server, sockets: new Set() };
    server.on('connection', (socket) => this.carry(entry, found, socket));
    this.open.set(info.id, entry);
    this.changed();
    return info;
  }

  list(): PortForward[] {
    return [...this.open.values()].map((entry) => entry.info);
  }

  stop(id: string): void {
    const entry = this.open.get(id);
    if (!entry) throw new BerthError('not-found', `There is no port forward ${id}; it may have ended with its session.`);
    this.end(entry);
  }

  close(): void {
    for (const entry of this.open.values()) this.end(entry);
  }

  private carry(entry: Open, found: FoundSession, socket: Socket): void {
    entry.sockets.add(socket);
    socket.pause();
    socket.on('close', () => entry.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    void (async () => {
      const link = found.link;
      await link.ensureConnected();
      const fresh = await this.sessions.findOn(link, found.session.id);
      if (!fresh) {
        // The session is gone: so is its forward.
        this.end(entry);
        throw new Error('the session ended');
      }
      const where = await target(fresh, entry.info.port);
      const ssh = link.ssh;
      if (!ssh) throw new Error('not connected');
      const channel = await ssh.forwardOut(where.host, where.port);
      channel.on('error', () => socket.destroy());
      socket.on('close', () => channel.destroy());
      channel.on('close', () => socket.destroy());
      socket.pipe(channel).pipe(socket);
      socket.resume();
    })().catch(() => socket.destroy());
  }

  private end(entry: Open): void {
    if (!this.open.delete(entry.info.id)) return;
    entry.server.close();
    for (const socket of entry.sockets) socket.destroy();
    this.changed();
  }

  private changed(): void {
    this.emit('changed', this.list());
  }
}
