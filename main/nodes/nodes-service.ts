import type { NodeList, NodeSummary } from '../../app/contract';
import { probeLocalDocker } from './local-docker';

/** The node list. For now it holds the embedded default, "This computer", whenever a local daemon answers. */
export async function listNodes(localSocket: string): Promise<NodeList> {
  const probe = await probeLocalDocker(localSocket);
  if (!probe.reachable) return { nodes: [], localDocker: { socket: localSocket, reachable: false, problem: probe.problem } };
  const local: NodeSummary = {
    id: 'local',
    name: 'This computer',
    kind: 'local',
    address: localSocket,
    state: 'connected',
    inventory: probe.inventory,
  };
  return { nodes: [local], localDocker: { socket: localSocket, reachable: true } };
}
