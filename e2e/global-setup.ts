import { startBed } from './testbed/bed';

/** One test bed for the whole run; the specs find it through the environment, which workers inherit. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const bed = await startBed();
  process.env.BERTH_E2E_DOCKER_SOCKET = bed.localDockerSocket;
  process.env.BERTH_E2E_REGISTRY = JSON.stringify(bed.registry);
  process.env.BERTH_E2E_NODES = JSON.stringify(
    bed.nodes.map(({ name, host, port, dir, dockerSocket, gpus }) => ({ name, host, port, dir, dockerSocket, gpus })),
  );
  return () => bed.stop();
}
