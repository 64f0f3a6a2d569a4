import { bedNode } from '../bed-nodes';
import { bookmarkWithCli } from '../bookmark-with-cli';
import { expect, test } from '../fixtures';

test('the Check button on a node card says what is wrong with the node and what to ask for', async ({ app, serve }) => {
  test.setTimeout(90_000);
  bookmarkWithCli(serve, bedNode('nohook-a'), 'nohook-a');
  bookmarkWithCli(serve, bedNode('rhel-a'), 'rhel-a');
  await app.getByRole('button', { name: 'Refresh' }).click();

  // A RHEL node: the card says where its GPU queue lives, since /run/lock is root's there.
  const rhel = app.getByRole('article', { name: 'rhel-a' });
  await rhel.getByRole('button', { name: 'Connect' }).click();
  await expect(rhel).toContainText('GPU queue in /dev/shm/berth');

  await app.getByRole('article', { name: 'nohook-a' }).getByRole('button', { name: 'Check nohook-a' }).click();
  const dialog = app.getByRole('dialog', { name: 'Check nohook-a' });
  await expect(dialog.getByRole('status')).toHaveText('1 problem on nohook-a: each says what to do.', { timeout: 30_000 });
  const checks = dialog.getByRole('list', { name: 'Checks of nohook-a' });
  await expect(checks.getByRole('listitem').filter({ hasText: 'nvidia container hook' })).toContainText(
    'Ask the administrator to install the NVIDIA Container Toolkit',
  );
  await expect(checks.getByRole('listitem').filter({ hasText: 'lock folder' })).toContainText('the GPU queue lives in /run/lock/berth');
  await expect(checks.getByRole('listitem').filter({ has: app.getByText('gpus', { exact: true }) })).toContainText('2 (NVIDIA');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
});
