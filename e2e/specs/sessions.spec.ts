import { spawnSync } from 'node:child_process';
import { BASE_IMAGE } from '../testbed/base-image';
import { bedNode } from '../bed-nodes';
import { expect, test } from '../fixtures';
import { SessionsPage } from '../pages/sessions-page';

const BERTH = new URL('../../bin/berth.js', import.meta.url).pathname;

test('a user starts a session with a GPU, works in it, forks a terminal, and stops it', async ({ app, serve }) => {
  const gpuB = bedNode('gpu-b');
  // The node is bookmarked (and its key trusted) from the CLI, in the same config folder as this `berth serve`.
  const added = spawnSync(process.execPath, [BERTH, ...gpuB.berthAddArgs('gpu-b')], {
    env: { ...process.env, BERTH_HOME: serve.configDir, HOME: serve.configDir },
    encoding: 'utf8',
  });
  expect(added.status).toBe(0);

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
  await sessions.open();
  app.once('dialog', (dialog) => void dialog.accept());
  await sessions
    .row(/e2e-work/)
    .getByRole('button', { name: 'Stop' })
    .click();
  await expect(app.getByRole('table', { name: 'Stopped sessions' }).getByRole('row', { name: /e2e-work/ })).toBeVisible({ timeout: 30_000 });
  await expect(app.getByRole('table', { name: 'Sessions', exact: true }).getByRole('row', { name: /e2e-work/ })).toHaveCount(0);
  await app.getByRole('link', { name: 'Terminals' }).click();
  await sessions.tab(/e2e-work · gpu-b · attach/).click();
  await expect(app.getByRole('status').filter({ hasText: 'The session ended' })).toBeVisible();
});
