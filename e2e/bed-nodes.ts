import type { TestAnonymousRegistryInfo, TestRegistryInfo } from './testbed/registry';
import { testNode } from './testbed/test-node';
import type { TestNode, TestNodeInfo } from './testbed/test-node';

/** A node of the bed that the global setup started, found through the environment workers inherit. */
export function bedNode(name: string): TestNode {
  const nodes = JSON.parse(process.env.BERTH_E2E_NODES ?? '[]') as TestNodeInfo[];
  const info = nodes.find((node) => node.name === name);
  if (!info) throw new Error(`The test bed has no node ${name}: run the specs through \`npm run e2e\`.`);
  return testNode(info);
}

/** The bed's registry with a login, which the specs use as the team's image library. */
export function bedRegistry(): TestRegistryInfo {
  const raw = process.env.BERTH_E2E_REGISTRY;
  if (!raw) throw new Error('The test bed has no registry: run the specs through `npm run e2e`.');
  return JSON.parse(raw) as TestRegistryInfo;
}

/** The bed's registry that needs no login, as on a cluster's private network. */
export function bedAnonymousRegistry(): TestAnonymousRegistryInfo {
  const raw = process.env.BERTH_E2E_ANONYMOUS_REGISTRY;
  if (!raw) throw new Error('The test bed has no anonymous registry: run the specs through `npm run e2e`.');
  return JSON.parse(raw) as TestAnonymousRegistryInfo;
}
