import { testNode } from './testbed/test-node';
import type { TestNode, TestNodeInfo } from './testbed/test-node';

/** A node of the bed that the global setup started, found through the environment workers inherit. */
export function bedNode(name: string): TestNode {
  const nodes = JSON.parse(process.env.BERTH_E2E_NODES ?? '[]') as TestNodeInfo[];
  const info = nodes.find((node) => node.name === name);
  if (!info) throw new Error(`The test bed has no node ${name}: run the specs through \`npm run e2e\`.`);
  return testNode(info);
}
