import type { TestProject } from 'vitest/node';
import { startBed } from '../e2e/testbed/bed';
import type { TestRegistryInfo } from '../e2e/testbed/registry';
import type { TestNodeInfo } from '../e2e/testbed/test-node';

declare module 'vitest' {
  export interface ProvidedContext {
    localDockerSocket: string;
    testNodes: TestNodeInfo[];
    registry: TestRegistryInfo;
  }
}

/** Integration tests run against the real test bed (private dockerds and sshds), started once per run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bed = await startBed();
  project.provide('localDockerSocket', bed.localDockerSocket);
  project.provide('registry', bed.registry);
  project.provide(
    'testNodes',
    bed.nodes.map(({ name, host, port, dir, dockerSocket, gpus }) => ({ name, host, port, dir, dockerSocket, gpus })),
  );
  return () => bed.stop();
}
