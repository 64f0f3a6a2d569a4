import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import { ulid } from 'ulid';
import { BerthError } from '../../app/contract';
import type { HistoryEntry, SessionInfo, SessionProgress, SessionSpec } from '../../app/contract';
import type { LibraryAccess } from '../library/library';
import type { NodeLink } from '../nodes/node-link';
import type { NodeManager } from '../nodes/node-manager';
import { createSession } from './create-session';
import { GpuLedger } from './gpu-ledger';
import { log } from '../log/log';
import type { HistoryStore } from './history-store';
import { isInteractiveShell } from './default-shell';
import { findContainers, lastOutput, mainProcessCommand, sessionFromContainer } from './session-container';

/** Seconds between SIGTERM and SIGKILL when a session is stopped. */
const STOP_GRACE_S = 10;
/**
 * How long a session container whose main process ended stays on the node (for `describe` and for
 * other laptops to record it in their history) before any Berth listing the node removes it.
 */
export const ENDED_RETENTION_MS = 10 * 60_000;
const ENDED = ['exited', 'dead'];
/** How long a shell is given to end after its SIGHUP before it gets SIGTERM. */
const HANGUP_WAIT_MS = 1500;

export interface FoundSession {
  link: NodeLink;
  container: Docker.Container;
  session: SessionInfo;
}

/** Sessions on every bookmarked node, read from the nodes themselves: the node is the source of truth. */
/** How long a stopped session's id is remembered as stopped by Berth: its die event may come after the stop returns. */
const STOPPING_MEMORY_MS = 60_000;

export class SessionManager extends EventEmitter<{ progress: [SessionProgress]; startedAfterWait: [SessionInfo] }> {
  private readonly stopping = new Set<string>();

  constructor(
    private readonly nodes: NodeManager,
    private readonly historyStore: HistoryStore,
    private readonly library: () => Promise<LibraryAccess>,
    /** How long an ended session's container stays on its node (for `docker logs` and a look); tests shorten it. */
    private readonly endedRetentionMs = ENDED_RETENTION_MS,
  ) {
    super();
  }

  async create(spec: SessionSpec, signal: AbortSignal): Promise<SessionInfo> {
    const link = await this.nodes.connected(spec.node);
    const requestId = spec.requestId ?? ulid();
    let waited = false;
    const session = await createSession(spec, {
      link,
      signal,
      progress: (progress) => {
        if (progress.stage === 'waiting') waited = true;
        this.emit('progress', { ...progress, requestId });
      },
      fitsElsewhere: (gpus) => this.fitsElsewhere(gpus),
      library: this.library,
    });
    if (waited) this.emit('startedAfterWait', session);
    return session;
  }

  /** Whether Berth is stopping (or just stopped) this session: its end is then no surprise. */
  isStopping(id: string): boolean {
    return this.stopping.has(id);
  }

  async list(options: { node?: string | undefined; everyone: boolean }): Promise<{ sessions: SessionInfo[]; problems: string[] }> {
    const names = options.node ? [options.node] : await this.nodes.names();
    const problems: string[] = [];
    const perNode = await Promise.all(
      names.map(async (name) => {
        try {
          return await this.sessionsOn(await this.nodes.connected(name));
        } catch (error) {
          if (options.node) throw error;
          problems.push(`${name}: ${(error as Error).message}`);
          return [];
        }
      }),
    );
    // A session whose main process ended is over: it goes to the history (mine), not the active list.
    // A machine reached by two bookmarks lists its sessions once, under the first.
    const all = perNode.flat().filter((session) => (options.node ? true : this.nodes.machineName(session.node) === session.node));
    await this.recordEnded(all.filter((session) => ENDED.includes(session.status)));
    const sessions = all.filter((session) => !ENDED.includes(session.status) && (options.everyone || session.mine));
    return { sessions: sessions.sort((a, b) => b.createdAt.localeCompare(a.createdAt)), problems };
  }

  /** Ended sessions of mine enter the history once (with exit code and last output); past the retention their containers go. */
  private async recordEnded(ended: SessionInfo[]): Promise<void> {
    if (ended.length === 0) return;
    const known = new Set((await this.historyStore.all()).map((entry) => entry.id));
    for (const session of ended) {
      if (session.mine && !known.has(session.id)) await this.historyStore.add(historyEntry(session));
      const finished = Date.parse(session.finishedAt ?? '');
      if (session.mine && Number.isFinite(finished) && Date.now() - finished > this.endedRetentionMs) {
        const found = await this.find(session.id).catch(() => null);
        await found?.container.remove({ force: true }).catch(log.ignored('sessions', `removing ${session.name} after its retention`));
      }
    }
  }

  /** A session by ID, unique ID prefix, or name, on any bookmarked node. */
  async find(key: string): Promise<FoundSession> {
    const names = await this.nodes.names();
    const perNode = await Promise.all(
      names.map(async (name) => {
        const link = await this.nodes
          .connected(name)
          .catch((error: unknown) => (log.debug('sessions', `${name}: not searched for "${key}"`, error), null));
        return link ? this.matchesOn(link, key) : [];
      }),
    );
    const everywhere = perNode.flat().filter((match) => this.nodes.machineName(match.link.bookmark.name) === match.link.bookmark.name);
    // A full ID is always enough, whatever else its text matches as a prefix or a name.
    const exact = everywhere.filter((match) => match.session.id === key);
    const found = exact.length > 0 ? exact : everywhere;
    if (found.length === 0)
      throw new BerthError('not-found', `No session "${key}" on your nodes. \`berth session list --all\` shows the sessions there are.`);
    if (found.length > 1) {
      throw new BerthError(
        'invalid-params',
        `"${key}" matches ${found.length} sessions (${found.map((f) => `${f.session.id} on ${f.session.node}`).join(', ')}); give the full ID.`,
      );
    }
    return found[0] as FoundSession;
  }

  /** A session by its full ID on one node; null when it is gone. */
  async findOn(link: NodeLink, id: string): Promise<FoundSession | null> {
    return (await this.matchesOn(link, id)).find((found) => found.session.id === id) ?? null;
  }

  private async matchesOn(link: NodeLink, key: string): Promise<FoundSession[]> {
    const docker = await link.dockerClient();
    const found: FoundSession[] = [];
    for (const info of await findContainers(docker)) {
      const id = info.Labels['berth.session'] ?? '';
      const sessionName = info.Labels['berth.name'] ?? '';
      if (id === key || sessionName === key || (key.length >= 4 && id.toLowerCase().startsWith(key.toLowerCase()))) {
        const container = docker.getContainer(info.Id);
        found.push({ link, container, session: await this.describeContainer(link, container) });
      }
    }
    return found;
  }

  async describe(key: string): Promise<SessionInfo> {
    return (await this.find(key)).session;
  }

  async stop(key: string, force: boolean): Promise<HistoryEntry> {
    const { container, session } = await this.find(key);
    if (!session.mine && !force) {
      throw new BerthError(
        'invalid-params',
        `${session.name} belongs to ${session.owner}. Stopping someone else's session needs --force (in the app, a confirmation).`,
      );
    }
    this.stopping.add(session.id);
    setTimeout(() => this.stopping.delete(session.id), STOPPING_MEMORY_MS).unref();
    // An interactive shell ignores SIGTERM; a hang-up, as from a closed terminal, ends it at once.
    if (session.status === 'running' && isInteractiveShell((await mainProcessCommand(container)) ?? '')) await hangUp(container);
    await container.stop({ t: STOP_GRACE_S }).catch((error: { statusCode?: number }) => {
      if (error.statusCode !== 304) throw error;
    });
    const info = await container.inspect();
    const output = await lastOutput(container).catch(() => '');
    await container.remove({ force: true });
    const entry: HistoryEntry = {
      id: session.id,
      name: session.name,
      node: session.node,
      owner: session.owner,
      image: session.image,
      gpus: session.gpus,
      finishedAt: info.State.FinishedAt && !info.State.FinishedAt.startsWith('0001') ? info.State.FinishedAt : new Date().toISOString(),
      exitCode: info.State.ExitCode,
      ...(session.startedAt ? { startedAt: session.startedAt } : {}),
      ...(output ? { lastOutput: output } : {}),
    };
    await this.historyStore.add(entry);
    return entry;
  }

  async availability(node: string): Promise<{ free: number; total: number; waiting: number }> {
    return (await GpuLedger.of(await this.nodes.connected(node))).availability();
  }

  /** Newest first, by when each ended. */
  async history(): Promise<HistoryEntry[]> {
    return (await this.historyStore.all()).sort((a, b) => b.finishedAt.localeCompare(a.finishedAt));
  }

  async describeContainer(link: NodeLink, container: Docker.Container): Promise<SessionInfo> {
    const info = await container.inspect();
    const session = sessionFromContainer(link.bookmark.name, link.bookmark.user, { ...info, Labels: info.Config.Labels }, link.inventory);
    // A main process that ended says why in its last lines (a shell's error, a traceback).
    if (!info.State.Running && info.State.Status !== 'created') {
      const output = await lastOutput(container).catch(() => '');
      if (output) session.lastOutput = output;
    }
    return session;
  }

  private async sessionsOn(link: NodeLink): Promise<SessionInfo[]> {
    const docker = await link.dockerClient();
    const containers = await findContainers(docker);
    return Promise.all(containers.map((info) => this.describeContainer(link, docker.getContainer(info.Id))));
  }

  /** Connected nodes where `gpus` GPUs are free right now. */
  private async fitsElsewhere(gpus: number): Promise<string[]> {
    const fits = await Promise.all(
      this.nodes.connectedLinks().map(async (link) => {
        try {
          const { free } = await (await GpuLedger.of(link)).state();
          return free.length >= gpus ? link.bookmark.name : null;
        } catch (error) {
          log.debug('sessions', `${link.bookmark.name}: could not read its GPUs for placement`, error);
          return null;
        }
      }),
    );
    return fits.filter((name): name is string => name !== null);
  }
}

/** SIGHUP to the session's main process, then a short wait for it to end. */
async function hangUp(container: Docker.Container): Promise<void> {
  await container.kill({ signal: 'SIGHUP' }).catch(log.ignored('sessions', 'hanging up a shell before SIGTERM'));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([container.wait().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, HANGUP_WAIT_MS)))]);
  clearTimeout(timer);
}

/** A session that ended by itself, as the history keeps it. */
function historyEntry(session: SessionInfo): HistoryEntry {
  return {
    id: session.id,
    name: session.name,
    node: session.node,
    owner: session.owner,
    image: session.image,
    gpus: session.gpus,
    finishedAt: session.finishedAt ?? new Date().toISOString(),
    ...(session.exitCode === undefined ? {} : { exitCode: session.exitCode }),
    ...(session.startedAt ? { startedAt: session.startedAt } : {}),
    ...(session.lastOutput ? { lastOutput: session.lastOutput } : {}),
  };
}
