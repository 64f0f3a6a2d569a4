import type { NodeList, NodeSummary } from '../../app/contract';
import { probeLocalDocker } from './local-docker';

/** The embedded default, "This computer", whenever a local Docker daemon answers. */
export async function listLocalNode(localSocket: string): Promise<Pick<NodeList, 'nodes' | 'localDocker'>> {
  const probe = await probeLocalDocker(localSocket);
  if (!probe.reachable) return { nodes: [], localDocker: { socket: localSocket, reachable: false, problem: probe.problem } };
  const local: NodeSummary = {
    id: 'local',
    name: 'This computer',
    kind: 'local',
    address: localSocket,
    status: { state: 'connected', dockerVia: 'socket' },
    inventory: probe.inventory,
  };
  return { nodes: [local], localDocker: { socket: localSocket, reachable: true } };
}
