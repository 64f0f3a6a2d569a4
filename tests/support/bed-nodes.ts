import { inject } from 'vitest';
import type { TestAnonymousRegistryInfo, TestRegistryInfo } from '../../e2e/testbed/registry';
import { testNode } from '../../e2e/testbed/test-node';
import type { TestNode } from '../../e2e/testbed/test-node';

/** A node of the bed that tests/global-setup started. */
export function bedNode(name: string): TestNode {
  const info = inject('testNodes').find((node) => node.name === name);
  if (!info) throw new Error(`The test bed has no node ${name}.`);
  return testNode(info);
}

/** The bed's registry with a login: the team's image library in tests. */
export function bedRegistry(): TestRegistryInfo {
  return inject('registry');
}

/** The bed's registry that needs no login, as on a cluster's private network. */
export function bedAnonymousRegistry(): TestAnonymousRegistryInfo {
  return inject('anonymousRegistry');
}
