import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bedNode } from '../bed-nodes';
import { bookmarkWithCli } from '../bookmark-with-cli';
import { expect, test } from '../fixtures';

test('importing ~/.ssh/config says which host is the same machine as a bookmark, and leaves it out unless ticked', async ({ app, serve }) => {
  const node = bedNode('gpu-b');
  bookmarkWithCli(serve, node, 'a');
  // berth serve's home is its config folder: its ~/.ssh/config names the same machine again, and one more.
  mkdirSync(join(serve.configDir, '.ssh'), { recursive: true });
  writeFileSync(
    join(serve.configDir, '.ssh', 'config'),
    `Host gpu-a\n  HostName 127.0.0.1\n  Port ${node.port}\n  User alice\n\nHost other\n  HostName 127.0.0.2\n  User alice\n`,
  );

  await app.getByRole('button', { name: 'Import from ~/.ssh/config' }).click();
  const dialog = app.getByRole('dialog', { name: /^Import from / });
  const duplicate = dialog.getByRole('listitem').filter({ hasText: 'gpu-a' });
  await expect(duplicate).toContainText('the same machine as a: skipped unless you tick it');
  await expect(duplicate.getByRole('checkbox')).not.toBeChecked();
  await expect(dialog.getByRole('listitem').filter({ hasText: 'other' }).getByRole('checkbox')).toBeChecked();
  await dialog.getByRole('button', { name: 'Import 1 node' }).click();
  await expect(app.getByRole('article', { name: 'other' })).toBeVisible();
  await expect(app.getByRole('article', { name: 'gpu-a' })).toHaveCount(0);
});
