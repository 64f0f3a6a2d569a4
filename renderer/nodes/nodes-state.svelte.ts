import type { BerthClient } from '../../app/client/berth-client';
import type { NodeList, NodeSummary } from '../../app/contract';
import { describeError } from '../api/describe-error';

/**
 * The Nodes view's state: the list from the back end, kept current by its nodes.changed events.
 * Bookmarks connect as soon as the view opens, as a desktop client would.
 */
export class NodesState {
  list = $state.raw<NodeList | null>(null);
  problem = $state<string | null>(null);
  loading = $state(false);
  private stopListening: (() => void) | null = null;

  constructor(readonly client: BerthClient) {}

  start(): () => void {
    this.stopListening = this.client.on('nodes.changed', (node) => this.replace(node));
    void this.refresh().then(() => this.connectIdle());
    return () => this.stopListening?.();
  }

  get nodes(): NodeSummary[] {
    return this.list?.nodes ?? [];
  }

  node(name: string): NodeSummary | undefined {
    return this.nodes.find((node) => node.name === name);
  }

  async refresh(): Promise<void> {
    this.loading = true;
    this.problem = null;
    try {
      this.list = await this.client.call('nodes.list', {});
    } catch (error) {
      this.problem = describeError(error);
    } finally {
      this.loading = false;
    }
  }

  /** Runs a call that answers with a node, and puts that node in the list. */
  async act(work: () => Promise<NodeSummary>): Promise<NodeSummary | null> {
    try {
      const node = await work();
      this.replace(node);
      return node;
    } catch (error) {
      this.problem = describeError(error);
      return null;
    }
  }

  connect(name: string): Promise<NodeSummary | null> {
    return this.act(() => this.client.call('nodes.connect', { name }));
  }

  private connectIdle(): void {
    for (const node of this.nodes) if (node.kind === 'ssh' && node.status.state === 'idle') void this.connect(node.name);
  }

  replace(node: NodeSummary): void {
    if (!this.list) return;
    const exists = this.list.nodes.some((n) => n.id === node.id);
    this.list = { ...this.list, nodes: exists ? this.list.nodes.map((n) => (n.id === node.id ? node : n)) : [...this.list.nodes, node] };
  }

  remove(name: string): void {
    if (this.list) this.list = { ...this.list, nodes: this.list.nodes.filter((n) => n.name !== name || n.kind !== 'ssh') };
  }
}
