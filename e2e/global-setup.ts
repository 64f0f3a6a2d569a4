import { startBed } from './testbed/bed';
import { nodeInfo } from './testbed/test-node';

/** One test bed for the whole run; the specs find it through the environment, which workers inherit. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const bed = await startBed();
  process.env.BERTH_E2E_DOCKER_SOCKET = bed.localDockerSocket;
  process.env.BERTH_E2E_REGISTRY = JSON.stringify(bed.registry);
  process.env.BERTH_E2E_ANONYMOUS_REGISTRY = JSON.stringify(bed.anonymousRegistry);
  process.env.BERTH_E2E_NODES = JSON.stringify(bed.nodes.map(nodeInfo));
  return () => bed.stop();
}
