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

test('the New session dialog checks each field beside it, shows the argv it will run, and an ended session shows its last output', async ({
  app,
  serve,
}) => {
  const gpuB = bedNode('gpu-b');
  bookmarkWithCli(serve, gpuB, 'gpu-b');
  const sessions = new SessionsPage(app);
  await sessions.open();
  await sessions.fill({ node: 'gpu-b', image: `docker://${BASE_IMAGE}`, pull: 'never', name: 'e2e-said', gpus: 99 });
  const dialog = sessions.dialog;
  await expect(dialog.getByRole('status')).toHaveText('gpu-b has only 2 GPUs.');
  await dialog.getByLabel('GPUs').fill('-1');
  await expect(dialog.getByRole('status')).toHaveText('The number of GPUs cannot be negative: give 0 for none.');
  await dialog.getByLabel('GPUs').fill('0');

  // A wrong entry is explained beside its field when starting, and the explanation goes once it is fixed.
  await sessions.fill({ node: 'gpu-b', image: `docker://${BASE_IMAGE}`, env: 'FOO' });
  await dialog.getByRole('button', { name: 'Start session' }).click();
  const envField = dialog.locator('label', { hasText: 'Environment' });
  await expect(envField.getByRole('alert')).toHaveText('"FOO" is not KEY=VALUE: write it as FOO=value.');
  await expect(dialog).not.toContainText('env.0');
  await dialog.getByLabel(/^Environment/).fill('FOO=bar');
  await expect(envField.getByRole('alert')).toHaveCount(0);

  // Quoted as in a shell, run as those words.
  await dialog.getByLabel('Command').fill(`sh -c 'echo said-$((6*7)) >&2; exit 3'`);
  await expect(dialog.getByLabel('Runs', { exact: true })).toHaveText('Runs ["sh","-c","echo said-$((6*7)) >&2; exit 3"]');
  // It declares a port, but ends before the port can be forwarded: that is said, not left as a missing link.
  await dialog.getByLabel(/^Ports to open here/).fill('8888');
  await dialog.getByRole('button', { name: 'Start session' }).click();
  await expect(dialog).toHaveCount(0);

  await sessions.open();
  await expect(app.getByRole('alert').filter({ hasText: 'Port 8888' })).toContainText('Port 8888 was not forwarded');
  // Its main process ended: it is over, out of the active list and in the history with its exit code and last output.
  const ended = app.getByRole('table', { name: 'Stopped sessions' }).getByRole('row', { name: /e2e-said/ });
  await expect(async () => {
    await app.getByRole('button', { name: 'Refresh' }).click();
    await expect(ended).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await expect(app.getByRole('table', { name: 'Sessions', exact: true }).getByRole('row', { name: /e2e-said/ })).toHaveCount(0);
  await expect(ended.getByRole('cell').nth(3)).toHaveText('3');
  await ended.getByText('Last output').click();
  await expect(ended.getByLabel('Last output of e2e-said')).toHaveText('said-42');
});

test('Stop shows "Stopping…" at once, and a plain shell session is hung up rather than waited out', async ({ app, serve }) => {
  const gpuB = bedNode('gpu-b');
  bookmarkWithCli(serve, gpuB, 'gpu-b');
  const sessions = new SessionsPage(app);
  await sessions.open();
  await sessions.create({ node: 'gpu-b', image: `docker://${BASE_IMAGE}`, pull: 'never', name: 'e2e-shell-with-a-rather-long-name' });
  await expect(sessions.tab(/e2e-shell-with-a-rather-long-name · gpu-b · attach/)).toBeVisible();
  await expect(sessions.screen).toContainText('$');

  // At 1280×720 the row, with its Attach, New terminal and Stop, fits the window: nothing to scroll sideways.
  await app.setViewportSize({ width: 1280, height: 720 });
  await sessions.open();
  await expect(sessions.row(/e2e-shell-with-a-rather-long-name/).getByRole('button', { name: 'Attach' })).toBeVisible();
  const table = await app.getByRole('table', { name: 'Sessions', exact: true }).boundingBox();
  expect((table?.x ?? 0) + (table?.width ?? Infinity)).toBeLessThanOrEqual(1280);

  await sessions.askToStop('e2e-shell-with-a-rather-long-name');
  const row = sessions.row(/e2e-shell-with-a-rather-long-name/);
  await expect(row.getByRole('status')).toHaveText('Stopping…', { timeout: 500 });
  await expect(row.getByRole('button', { name: 'Stopping…' })).toBeDisabled();
  // Exit code 129 is SIGHUP: the shell ended on its hang-up, not on SIGKILL (137) after the grace.
  await expect(app.getByRole('table', { name: 'Stopped sessions' }).getByRole('row', { name: /e2e-shell-with-a-rather-long-name/ })).toContainText(
    '129',
    {
      timeout: 30_000,
    },
  );
});
