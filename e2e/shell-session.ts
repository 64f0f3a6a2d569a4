import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import type { BerthServe } from './berth-serve';
import { bedNode } from './bed-nodes';
import { bookmarkWithCli } from './bookmark-with-cli';
import { SessionsPage } from './pages/sessions-page';
import { BASE_IMAGE } from './testbed/base-image';
import type { TestNode } from './testbed/test-node';

/**
 * The usual start of a terminal spec: the bed node bookmarked with the CLI, then a session of the
 * busybox image started from the New session dialog, its attach tab showing a prompt.
 */
export async function shellSession(
  app: Page,
  serve: BerthServe,
  nodeName: string,
  name: string,
): Promise<{ sessions: SessionsPage; node: TestNode }> {
  const node = bedNode(nodeName);
  bookmarkWithCli(serve, node, nodeName);
  const sessions = new SessionsPage(app);
  await sessions.open();
  await sessions.create({ node: nodeName, image: `docker://${BASE_IMAGE}`, pull: 'never', name });
  await expect(sessions.screen).toContainText('$');
  return { sessions, node };
}
