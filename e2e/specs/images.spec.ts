import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_IMAGE } from '../testbed/base-image';
import { bedNode, bedRegistry } from '../bed-nodes';
import { bookmarkWithCli } from '../bookmark-with-cli';
import { expect, test } from '../fixtures';
import { ImagesPage } from '../pages/images-page';

test('a user builds a dropped folder with a live log, saves it to the library and copies it to another node', async ({ app, serve }) => {
  test.setTimeout(180_000);
  const gpuA = bedNode('gpu-a');
  const gpuB = bedNode('gpu-b');
  const registry = bedRegistry();
  bookmarkWithCli(serve, gpuA, 'gpu-a');
  bookmarkWithCli(serve, gpuB, 'gpu-b');
  const images = new ImagesPage(app);
  await images.open('gpu-a');

  // A folder dragged from disk is the context, subfolders and all; .dockerignore leaves one file out.
  const folder = join(mkdtempSync(join(tmpdir(), 'berth-e2e-drop-')), 'project');
  mkdirSync(join(folder, 'sub'), { recursive: true });
  writeFileSync(join(folder, 'Dockerfile'), `FROM ${BASE_IMAGE}\nCOPY . /ctx\nRUN echo first-step-output && sleep 3\nRUN echo second\n`);
  writeFileSync(join(folder, '.dockerignore'), 'secret.txt\n');
  writeFileSync(join(folder, 'hello.txt'), 'hello\n');
  writeFileSync(join(folder, 'secret.txt'), 'not for the node\n');
  writeFileSync(join(folder, 'sub', 'nested.txt'), 'nested\n');
  await images.build([folder], 'e2e-built:1');
  const panel = images.panel('Build e2e-built:1');
  await expect(panel).toBeVisible();
  // The log streams while the build runs: the RUN step's output shows before it finishes.
  await expect(panel.getByLabel('Output')).toContainText('first-step-output');
  await expect(panel.getByRole('status')).toHaveText('Step 3 of 4');
  await expect(panel.getByRole('status')).toHaveText('Done', { timeout: 60_000 });
  await expect(panel.getByLabel('Output')).toContainText('Step 4/4 : RUN echo second');
  await expect(images.image('e2e-built:1')).toBeVisible();
  const listing = execFileSync('docker', [
    '-H',
    `unix://${gpuA.dockerSocket}`,
    'run',
    '--rm',
    'e2e-built:1',
    'find',
    '/ctx',
    '-type',
    'f',
  ]).toString();
  expect(listing.split('\n').filter(Boolean).sort()).toEqual(['/ctx/.dockerignore', '/ctx/Dockerfile', '/ctx/hello.txt', '/ctx/sub/nested.txt']);

  // A folder and a loose file dropped together: both are read, the folder as a subfolder.
  await images.dropFromDisk(images.dropzone, [join(folder, 'sub'), join(folder, 'Dockerfile')]);
  const mixed = app.getByRole('dialog', { name: 'Build image' });
  await expect(mixed).toContainText('Dockerfile and 1 other file');
  await mixed.getByRole('button', { name: 'Cancel' }).click();

  // A failing step is shown with its Dockerfile line.
  await images.build({ Dockerfile: `FROM ${BASE_IMAGE}\n\nRUN echo about to fail && exit 4\n` }, 'e2e-fails:1');
  const failed = images.panel('Build e2e-fails:1');
  await expect(failed.getByRole('alert')).toContainText('Step 2/2 (Dockerfile line 3: RUN echo about to fail && exit 4) failed');
  await expect(failed.getByRole('alert')).toContainText('non-zero code: 4');

  // A build cancelled from its panel stops on the node.
  await images.build({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN sleep 300\n` }, 'e2e-cancelled:1');
  const cancelled = images.panel('Build e2e-cancelled:1');
  await expect(cancelled.getByRole('status')).toHaveText('Step 2 of 2');
  await cancelled.getByRole('button', { name: 'Cancel' }).click();
  await expect(cancelled.getByRole('status')).toHaveText('Cancelled');
  await expect
    .poll(async () => (await gpuA.docker().listContainers({ all: true })).filter((c) => !c.Labels['berth.session']).length, { timeout: 20_000 })
    .toBe(0);

  // The library: set in Settings with its login, then an image saved to it with a description.
  await app.getByRole('link', { name: 'Settings' }).click();
  const settings = app.getByRole('form', { name: 'Image library' });
  await settings.getByLabel('Registry address').fill(registry.address);
  await settings.getByLabel('Username').fill(registry.username);
  await settings.getByLabel('Password').fill(registry.password);
  await settings.getByRole('button', { name: 'Save library' }).click();
  await expect(settings.getByRole('status')).toContainText('took the login');

  await images.open('gpu-a');
  await images.image('e2e-built:1').getByRole('button', { name: 'Save to library…' }).click();
  const save = app.getByRole('dialog', { name: 'Save e2e-built:1 to the library' });
  await save.getByLabel('Name in the library').fill('e2e/tools');
  await save.getByLabel(/^Description/).fill('Built in the browser test');
  await save.getByRole('button', { name: 'Save' }).click();
  await expect(images.panel('Save to library beaker://e2e/tools:latest').getByRole('status')).toHaveText('Done', { timeout: 60_000 });
  const entry = app.getByRole('table', { name: 'Library images' }).getByRole('row', { name: 'e2e/tools:latest' });
  await expect(entry).toContainText('Built in the browser test');
  await expect(entry).toContainText('beaker://e2e/tools:latest');

  // Pulled from the library on gpu-b, with progress per layer.
  await images.open('gpu-b');
  const libraryRef = `${registry.address}/e2e/tools:latest`;
  await app.getByLabel('Image to pull').fill(libraryRef);
  await app.getByRole('button', { name: 'Pull', exact: true }).click();
  const pulled = images.panel(`Pull ${libraryRef}`);
  await expect(pulled.getByRole('status')).toHaveText('Done', { timeout: 60_000 });
  await expect(pulled.getByRole('list', { name: 'Layers' }).getByRole('listitem').first()).toContainText('Pull complete');
  await expect(images.image(libraryRef)).toBeVisible();

  // Copied straight to gpu-b, no registry between.
  await images.open('gpu-a');
  await images.image('e2e-built:1').getByRole('button', { name: 'Copy to…' }).click();
  const copy = app.getByRole('dialog', { name: 'Copy e2e-built:1 to another node' });
  await copy.getByLabel('To node').selectOption('gpu-b');
  await copy.getByRole('button', { name: 'Copy' }).click();
  await expect(images.panel('Copy e2e-built:1').getByRole('status')).toHaveText('Done', { timeout: 60_000 });
  await images.open('gpu-b');
  await expect(images.image('e2e-built:1')).toBeVisible();

  // A Dockerfile dropped on a node's card builds on that node.
  await app.getByRole('link', { name: 'Nodes' }).click();
  await images.build({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo on-the-card\n` }, 'e2e-card:1', {
    target: app.getByRole('article', { name: 'gpu-b' }),
  });
  await expect(images.panel('Build e2e-card:1').getByRole('status')).toHaveText('Done', { timeout: 60_000 });
  await expect(images.panel('Build e2e-card:1')).toContainText('on gpu-b');
});

test('a user builds a folder picked with the Build button, and a build with an invalid tag shows its error', async ({ app, serve }) => {
  test.setTimeout(120_000);
  const gpuA = bedNode('gpu-a');
  bookmarkWithCli(serve, gpuA, 'gpu-a');
  // The view opens on a bookmarked node, not on "This computer" (which has no images to list by name).
  await app.getByRole('link', { name: 'Images' }).click();
  await expect(app.getByRole('combobox', { name: 'Node' })).toHaveValue('gpu-a');
  await expect(app.getByRole('alert')).toHaveCount(0);
  const images = new ImagesPage(app);
  await images.open('gpu-a');

  const folder = join(mkdtempSync(join(tmpdir(), 'berth-e2e-pick-')), 'picked');
  mkdirSync(join(folder, 'sub'), { recursive: true });
  writeFileSync(join(folder, 'Dockerfile'), `FROM ${BASE_IMAGE}\nCOPY . /ctx\n`);
  writeFileSync(join(folder, 'sub', 'nested.txt'), 'nested\n');
  await images.buildPicked(folder, 'e2e-picked:1');
  await expect(images.panel('Build e2e-picked:1').getByRole('status')).toHaveText('Done', { timeout: 60_000 });
  await expect(images.image('e2e-picked:1')).toBeVisible();
  const listing = execFileSync('docker', [
    '-H',
    `unix://${gpuA.dockerSocket}`,
    'run',
    '--rm',
    'e2e-picked:1',
    'find',
    '/ctx',
    '-type',
    'f',
  ]).toString();
  expect(listing.split('\n').filter(Boolean).sort()).toEqual(['/ctx/Dockerfile', '/ctx/sub/nested.txt']);

  // A tag Docker refuses: the build says why, and the list's refresh after the build does not wipe that away.
  await images.buildPicked(join(folder, 'Dockerfile'), 'UX Test:latest', 'dockerfile');
  await expect(app.getByRole('alert').filter({ hasText: 'UX Test' })).toHaveText(
    '"UX Test:latest" is not a valid image tag: "UX Test:latest" contains white space. Use e.g. myimage:v1.',
  );
});
