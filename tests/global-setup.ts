import type { TestProject } from 'vitest/node';
import { startBed } from '../e2e/testbed/bed';
import type { TestAnonymousRegistryInfo, TestRegistryInfo } from '../e2e/testbed/registry';
import { nodeInfo } from '../e2e/testbed/test-node';
import type { TestNodeInfo } from '../e2e/testbed/test-node';

declare module 'vitest' {
  export interface ProvidedContext {
    localDockerSocket: string;
    testNodes: TestNodeInfo[];
    registry: TestRegistryInfo;
    anonymousRegistry: TestAnonymousRegistryInfo;
  }
}

/** Integration tests run against the real test bed (private dockerds and sshds), started once per run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bed = await startBed();
  project.provide('localDockerSocket', bed.localDockerSocket);
  project.provide('registry', bed.registry);
  project.provide('anonymousRegistry', bed.anonymousRegistry);
  project.provide('testNodes', bed.nodes.map(nodeInfo));
  return () => bed.stop();
}
