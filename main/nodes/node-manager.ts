import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import { BerthError } from '../../app/contract';
import type { Bookmark, DoctorReport, NodeList, NodeSummary } from '../../app/contract';
import { ConnectError } from './connect-error';
import { runDoctor } from './doctor';
import { fingerprint } from './host-key';
import type { HostKeys } from './host-keys';
import { listLocalNode } from './local-node';
import { NodeLink } from './node-link';
import type { SessionEvent } from './node-link';
import type { BookmarkStore } from './bookmark-store';
import type { SecretKind, Secrets } from './secrets';

export interface NodeManagerOptions {
  store: BookmarkStore;
  hostKeys: HostKeys;
  secrets: Secrets;
  localSocket: string;
  readyTimeoutMs?: number;
}

/** Every node Berth knows: the bookmarks, a link per bookmark once used, and "This computer". */
export class NodeManager extends EventEmitter<{ changed: [NodeSummary]; session: [SessionEvent & { node: string; user: string }] }> {
  private readonly links = new Map<string, NodeLink>();

  constructor(private readonly options: NodeManagerOptions) {
    super();
  }

  async list(): Promise<NodeList> {
    const [bookmarks, local] = await Promise.all([this.options.store.all(), listLocalNode(this.options.localSocket)]);
    const nodes = [...local.nodes, ...bookmarks.map((bookmark) => this.summary(bookmark))];
    const problem = this.options.store.problem;
    return problem ? { nodes, localDocker: local.localDocker, bookmarksProblem: problem } : { nodes, localDocker: local.localDocker };
  }

  /** Connects (if need be) and answers with the node as it stands; a node needing the user's action is not an error here. */
  async connect(name: string): Promise<NodeSummary> {
    const link = await this.link(name);
    await link.ensureConnected().catch((error: unknown) => {
      if (!(error instanceof ConnectError)) throw error;
    });
    return this.summary(link.bookmark);
  }

  /** Connects and reads the inventory afresh; a node that cannot be reached is an error here, in its own words. */
  async show(name: string): Promise<NodeSummary> {
    const link = await this.link(name);
    try {
      await link.ensureConnected();
      await link.refreshInventory();
    } catch (error) {
      if (error instanceof ConnectError) throw new BerthError('unavailable', error.message);
      throw error;
    }
    return this.summary(link.bookmark);
  }

  /** `berth node doctor`: every check of what Berth needs of the node, each with a fix. */
  async doctor(name: string): Promise<DoctorReport> {
    return runDoctor(await this.link(name));
  }

  async docker(name: string): Promise<Docker> {
    return (await this.link(name)).dockerClient();
  }

  async add(bookmark: Bookmark): Promise<NodeSummary> {
    await this.options.store.add(bookmark);
    return this.summary(bookmark);
  }

  async update(name: string, bookmark: Bookmark): Promise<NodeSummary> {
    await this.options.store.replace(name, bookmark);
    this.drop(name);
    return this.summary(bookmark);
  }

  async remove(name: string): Promise<void> {
    await this.options.store.remove(name);
    this.drop(name);
    await Promise.all((['password', 'passphrase'] as const).map((kind) => this.options.secrets.forget(name, kind)));
  }

  async provideSecret(name: string, kind: SecretKind, value: string, remember: boolean): Promise<NodeSummary> {
    await this.options.store.get(name);
    await this.options.secrets.put(name, kind, value, remember);
    return this.connect(name);
  }

  /**
   * Accepts the key the node presented on the last attempt, if it is the one the user saw. Only an
   * unknown key can be accepted: a changed key is refused here as everywhere.
   */
  async trustHostKey(name: string, expectedFingerprint: string, remember: boolean): Promise<NodeSummary> {
    const link = await this.link(name);
    const key = link.lastConnection?.presentedKey;
    if (link.status.state !== 'host-key-unknown' || !key) {
      throw new BerthError('invalid-params', `${name} is not waiting for a host key decision (it is ${link.status.state}). Connect to it first.`);
    }
    if (fingerprint(key) !== expectedFingerprint) {
      throw new BerthError(
        'invalid-params',
        `${name} presented ${fingerprint(key)}, not ${expectedFingerprint}. Nothing was trusted; check the fingerprint again.`,
      );
    }
    const { host, port } = link.bookmark;
    if (remember) await this.options.hostKeys.remember(host, port, key);
    else this.options.hostKeys.acceptOnce(host, port, key);
    return this.connect(name);
  }

  close(): void {
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }

  /** The live link of a bookmarked node, connecting it if need be; other capabilities work through it. */
  async connected(name: string): Promise<NodeLink> {
    const link = await this.link(name);
    try {
      await link.ensureConnected();
    } catch (error) {
      if (error instanceof ConnectError) throw new BerthError('unavailable', error.message);
      throw error;
    }
    return link;
  }

  /** The links that are connected now, without connecting any other. */
  connectedLinks(): NodeLink[] {
    return [...this.links.values()].filter((link) => link.status.state === 'connected');
  }

  /** The bookmarks' names. */
  async names(): Promise<string[]> {
    return (await this.options.store.all()).map((bookmark) => bookmark.name);
  }

  private async link(name: string): Promise<NodeLink> {
    const bookmark = await this.options.store.get(name);
    const existing = this.links.get(name);
    if (existing) {
      existing.bookmark = bookmark;
      return existing;
    }
    const link = new NodeLink(bookmark, {
      hostKeys: this.options.hostKeys,
      secrets: this.options.secrets,
      linkFor: (jump) => this.link(jump),
      ...(this.options.readyTimeoutMs ? { readyTimeoutMs: this.options.readyTimeoutMs } : {}),
    });
    link.on('changed', () => this.emit('changed', this.summary(link.bookmark)));
    // Docker's events of a machine reached by two bookmarks come once, through the first.
    link.on('session', (event) => {
      if (this.machineName(link.bookmark.name) === link.bookmark.name)
        this.emit('session', { ...event, node: link.bookmark.name, user: link.bookmark.user });
    });
    this.links.set(name, link);
    return link;
  }

  /** The connected links to the machine `link` reaches (itself included), by bookmark name. */
  private sameMachine(link: NodeLink): NodeLink[] {
    const id = link.inventory?.machineId;
    if (!id || link.status.state !== 'connected') return [link];
    return [...this.links.values()]
      .filter((other) => other.status.state === 'connected' && other.inventory?.machineId === id)
      .sort((a, b) => a.bookmark.name.localeCompare(b.bookmark.name));
  }

  /**
   * The name under which a bookmarked node's sessions count: the first bookmark (by name) of the
   * same machine, so a machine reached by two bookmarks lists each session once.
   */
  machineName(name: string): string {
    const link = this.links.get(name);
    return link ? (this.sameMachine(link)[0]?.bookmark.name ?? name) : name;
  }

  private drop(name: string): void {
    this.links.get(name)?.close();
    this.links.delete(name);
  }

  private summary(bookmark: Bookmark): NodeSummary {
    const link = this.links.get(bookmark.name);
    const summary: NodeSummary = {
      id: bookmark.name,
      name: bookmark.name,
      kind: 'ssh',
      address: `${bookmark.user}@${bookmark.host}${bookmark.port === 22 ? '' : `:${bookmark.port}`}`,
      user: bookmark.user,
      status: link?.status ?? { state: 'idle' },
      bookmark,
    };
    if (bookmark.cluster) summary.cluster = bookmark.cluster;
    if (link?.inventory && link.status.state === 'connected') summary.inventory = link.inventory;
    const same = link ? this.sameMachine(link).filter((other) => other !== link) : [];
    if (same.length > 0) summary.sameMachineAs = same.map((other) => other.bookmark.name);
    return summary;
  }
}
