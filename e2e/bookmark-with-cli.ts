import { spawnSync } from 'node:child_process';
import type { BerthServe } from './berth-serve';
import type { TestNode } from './testbed/test-node';

const BERTH = new URL('../bin/berth.js', import.meta.url).pathname;

/**
 * Bookmarks a bed node as alice (trusting its host key) with the real CLI, in the config folder of
 * this test's `berth serve`, as a user who set nodes up from a terminal would.
 */
export function bookmarkWithCli(serve: BerthServe, node: TestNode, name: string): void {
  const result = spawnSync(process.execPath, [BERTH, ...node.berthAddArgs(name)], {
    env: { ...process.env, BERTH_HOME: serve.configDir, HOME: serve.configDir },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`berth node add ${name} failed: ${result.stderr}`);
}
