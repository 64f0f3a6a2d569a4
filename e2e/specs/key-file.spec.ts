import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bedNode } from '../bed-nodes';
import { expect, test } from '../fixtures';

test('Add node: Browse lists the private keys in ~/.ssh, and the key file is checked as it is typed', async ({ app, serve }) => {
  // berth serve's home is its config folder: a key there, and a file that is not one.
  const ssh = join(serve.configDir, '.ssh');
  mkdirSync(ssh, { recursive: true, mode: 0o700 });
  copyFileSync(bedNode('gpu-a').keyFile('alice'), join(ssh, 'id_lab'));
  writeFileSync(join(ssh, 'notes.txt'), 'not a key\n');
  writeFileSync(join(ssh, 'id_lab.pub'), 'ssh-ed25519 AAAA alice\n');

  await app.getByRole('button', { name: 'Add node' }).click();
  const form = app.getByRole('dialog', { name: 'Add a node' });
  await form.getByLabel('Authentication').selectOption({ label: 'Private key file' });
  const field = form.getByLabel('Private key file', { exact: true });
  await field.fill('/nowhere/id_missing');
  await expect(form.getByRole('status').filter({ hasText: 'id_missing' })).toHaveText('/nowhere/id_missing does not exist.');
  await field.fill(join(ssh, 'notes.txt'));
  await expect(form.getByRole('status').filter({ hasText: 'notes.txt' })).toContainText('is not a private key Berth can read');

  await form.getByRole('button', { name: 'Browse…' }).click();
  const keys = form.getByRole('list', { name: `Private keys in ${ssh}` });
  await expect(keys.getByRole('button')).toHaveText([join(ssh, 'id_lab')]);
  await keys.getByRole('button', { name: join(ssh, 'id_lab') }).click();
  await expect(field).toHaveValue(join(ssh, 'id_lab'));
  await expect(form.getByRole('status').filter({ hasText: 'Berth can use' })).toHaveText('A private key Berth can use.');
});
