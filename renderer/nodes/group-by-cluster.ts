import type { NodeSummary } from '../../app/contract';

/** Nodes grouped under their cluster's name, in first-seen order; "This computer" sits under "Local". */
export function groupByCluster(nodes: NodeSummary[]): [string, NodeSummary[]][] {
  const byCluster = new Map<string, NodeSummary[]>();
  for (const node of nodes) {
    const cluster = node.cluster ?? (node.kind === 'local' ? 'Local' : 'Ungrouped');
    byCluster.set(cluster, [...(byCluster.get(cluster) ?? []), node]);
  }
  return [...byCluster];
}
