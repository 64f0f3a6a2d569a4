import { chownSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bedNode } from '../bed-nodes';
import { bookmarkWithCli } from '../bookmark-with-cli';
import { expect, test } from '../fixtures';
import { SessionsPage } from '../pages/sessions-page';
import { BASE_IMAGE } from '../testbed/base-image';

const ALICE_UID = 2001;

test('a tab that could not open offers Retry, which opens it once the session runs', async ({ app, serve }) => {
  test.setTimeout(90_000);
  const node = bedNode('gpu-b');
  bookmarkWithCli(serve, node, 'gpu-b');
  const ready = join(node.dir, 'home', 'alice', 'e2e-retry-ready');
  rmSync(ready, { force: true });

  // The session's main process gives up at once the first time, so its attach tab cannot open.
  const sessions = new SessionsPage(app);
  await sessions.open();
  await sessions.create({
    node: 'gpu-b',
    image: `docker://${BASE_IMAGE}`,
    pull: 'never',
    name: 'e2e-retry',
    command: "sh -c 'test -e ~/e2e-retry-ready || exit 3; echo retried-$((6*7)); exec sh -i'",
  });
  await expect(sessions.banner).toContainText('e2e-retry is not running', { timeout: 30_000 });
  const retry = sessions.banner.getByRole('button', { name: 'Retry' });
  await expect(retry).toBeVisible();

  // Its owner fixes what was wrong and starts it again; Retry then attaches in the same tab.
  writeFileSync(ready, '');
  chownSync(ready, ALICE_UID, ALICE_UID);
  const [container] = await node.docker().listContainers({ all: true, filters: { label: ['berth.name=e2e-retry'] } });
  await node
    .docker()
    .getContainer(container?.Id ?? '')
    .start();
  await retry.click();
  await expect(sessions.screen).toContainText('retried-42');
  await expect(sessions.banner).toHaveCount(0);
  await node
    .docker()
    .getContainer(container?.Id ?? '')
    .remove({ force: true });
  rmSync(ready, { force: true });
});
