import { BASE_IMAGE } from '../testbed/base-image';
import { bedNode } from '../bed-nodes';
import { bookmarkWithCli } from '../bookmark-with-cli';
import { expect, test } from '../fixtures';
import { SessionsPage } from '../pages/sessions-page';

test('a user starts a session with a GPU, works in it, forks a terminal, and stops it', async ({ app, serve }) => {
  const gpuB = bedNode('gpu-b');
  bookmarkWithCli(serve, gpuB, 'gpu-b');

  const sessions = new SessionsPage(app);
  await sessions.open();
  await sessions.create({ node: 'gpu-b', image: `docker://${BASE_IMAGE}`, pull: 'never', gpus: 1, name: 'e2e-work' });

  // Created, then attached in a tab titled with session, node and kind.
  await expect(sessions.tab(/e2e-work · gpu-b · attach/)).toBeVisible();
  await expect(sessions.screen).toContainText('$');
  await sessions.type('whoami; echo gpu=$NVIDIA_VISIBLE_DEVICES\n');
  await expect(sessions.screen).toContainText('alice');
  await expect(sessions.screen).toContainText(/gpu=GPU-gpu-b/);

  // A second terminal in the same session.
  await sessions.open();
  await sessions
    .row(/e2e-work/)
    .getByRole('button', { name: 'New terminal' })
    .click();
  await expect(sessions.tab(/e2e-work · gpu-b · shell/)).toBeVisible();
  await expect(sessions.screen).toContainText('$');
  await sessions.type('echo fork-$((6*7))\n');
  await expect(sessions.screen).toContainText('fork-42');

  // Stop it from the Sessions view: the row goes, and the attach tab says the session ended.
  await sessions.stop('e2e-work');
  await expect(app.getByRole('table', { name: 'Stopped sessions' }).getByRole('row', { name: /e2e-work/ })).toBeVisible({ timeout: 30_000 });
  await app.getByRole('link', { name: 'Terminals' }).click();
  await sessions.tab(/e2e-work · gpu-b · attach/).click();
  await expect(app.getByRole('status').filter({ hasText: 'The session ended' })).toBeVisible();
});
