import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bedNode } from '../bed-nodes';
import { bookmarkWithCli } from '../bookmark-with-cli';
import { expect, test } from '../fixtures';
import { ImagesPage } from '../pages/images-page';
import { SessionsPage } from '../pages/sessions-page';
import { BASE_IMAGE } from '../testbed/base-image';

const ALICE_UID = 2001;

test('a user sets up Git on a node, opens a session port here, sees idle GPUs and is told when a build finishes', async ({ app, serve }) => {
  test.setTimeout(120_000);
  const gpuN = bedNode('gpu-n');
  bookmarkWithCli(serve, gpuN, 'gpu-n');
  // A page for the session's web server, in alice's home on the node (which sessions mount).
  const www = join(gpuN.dir, 'home', 'alice', 'e2e-www');
  mkdirSync(www, { recursive: true });
  writeFileSync(join(www, 'index.html'), 'served from the session\n');
  chownSync(www, ALICE_UID, ALICE_UID);

  // Settings: who I am to Git, a token, and a short idle threshold.
  await app.getByRole('link', { name: 'Settings' }).click();
  const identity = app.getByRole('form', { name: 'Git identity' });
  await identity.getByLabel('Name').fill('Alice Example');
  await identity.getByLabel('Email').fill('alice@example.org');
  await identity.getByRole('button', { name: 'Save name and email' }).click();
  const token = app.getByRole('form', { name: 'Add a Git token' });
  await token.getByLabel('Personal access token').fill('ghp_e2e$(touch /tmp/nope)');
  await token.getByRole('button', { name: 'Keep token' }).click();
  await expect(app.getByRole('list', { name: 'Git tokens' })).toContainText('github.com');
  const sessionsForm = app.getByRole('form', { name: 'Sessions and notifications' });
  await sessionsForm.getByLabel('Mark GPUs idle after').fill('3s');
  await sessionsForm.getByRole('button', { name: 'Save' }).click();
  await expect(sessionsForm.getByRole('status')).toHaveText('Saved.');

  // The node's card says whether Git is set up, and sets it up.
  await app.getByRole('link', { name: 'Nodes' }).click();
  const git = app.getByRole('article', { name: 'gpu-n' }).getByLabel('Git on gpu-n');
  // The GPU bar says the models and memory, not only in a tooltip.
  await expect(app.getByRole('article', { name: 'gpu-n' })).toContainText(/GPUs? free · \d+ × .+ · \d+ GiB/);
  await expect(git.getByRole('status')).toHaveText('Git not set up');
  await git.getByRole('button', { name: 'Set up Git' }).click();
  await expect(git.getByRole('status')).toHaveText('Git set up for github.com as Alice Example');
  await expect(git).toContainText('Git set up on gpu-n with tokens for github.com.');

  // A session with a GPU and a port: the port is a link here, and the page comes through SSH.
  const sessions = new SessionsPage(app);
  await sessions.open();
  await app.getByRole('button', { name: 'New session' }).click();
  const dialog = app.getByRole('dialog', { name: 'New session' });
  await dialog.getByLabel('Node', { exact: true }).selectOption('gpu-n');
  await dialog.getByLabel('GPUs').fill('1');
  await dialog.getByLabel('Image', { exact: true }).fill(`docker://${BASE_IMAGE}`);
  await dialog.getByLabel('Pull').selectOption('never');
  await dialog.getByLabel('Name', { exact: true }).fill('e2e-web');
  await dialog.getByLabel(/^Ports to open here/).fill('8080');
  await dialog.getByLabel('Command').fill('httpd -f -p 8080 -h /home/alice/e2e-www');
  await dialog.getByRole('button', { name: 'Start session' }).click();
  await sessions.open();
  const row = sessions.row(/e2e-web/);
  const link = row.getByRole('link', { name: /^8080 → 127\.0\.0\.1:\d+$/ });
  await expect(link).toBeVisible();
  const href = await link.getAttribute('href');
  expect(await (await fetch(href ?? '')).text()).toBe('served from the session\n');

  // Its stand-in GPU reads 0%: past the threshold the row says the GPUs are idle.
  await expect(row).toContainText(/GPU \d\s*0% · 0\/80 GiB/);
  await expect(async () => {
    await app.getByRole('button', { name: 'Refresh' }).click();
    await expect(row.getByText(/^GPUs idle \d+s$/)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await app.getByRole('link', { name: 'Nodes' }).click();
  await expect(app.getByRole('list', { name: 'Sessions on gpu-n' })).toContainText(/GPUs idle/, { timeout: 20_000 });

  // A finished build is said in the window (browser mode without notification permission).
  const images = new ImagesPage(app);
  await images.open('gpu-n');
  await images.build({ Dockerfile: `FROM ${BASE_IMAGE}\nLABEL e2e=notify\n` }, 'e2e-notify:1');
  await expect(app.getByRole('status', { name: 'Built e2e-notify:1' })).toBeVisible({ timeout: 30_000 });

  // Git credentials come off the node again; the name stays.
  await app.getByRole('link', { name: 'Nodes' }).click();
  await git.getByRole('button', { name: 'Remove Git credentials' }).click();
  await expect(git.getByRole('status')).toHaveText('Git: Alice Example <alice@example.org>, no tokens');
  await sessions.stop('e2e-web');
});
