import { BASE_IMAGE } from '../testbed/base-image';
import { bedNode } from '../bed-nodes';
import { expect, test } from '../fixtures';
import { NodeDialogs } from '../pages/node-dialogs';
import { NodesPage } from '../pages/nodes-page';

test('a user bookmarks two GPU nodes, verifies their host keys, and sees their GPU bars live', async ({ app }) => {
  const gpuA = bedNode('gpu-a');
  const gpuB = bedNode('gpu-b');
  const nodes = new NodesPage(app);
  const dialogs = new NodeDialogs(app);
  await expect(nodes.heading).toBeVisible();

  // gpu-a with a key file: the host key dialog shows the fingerprint OpenSSH would show.
  await dialogs.addNode({
    name: 'gpu-a',
    cluster: 'Lab',
    host: '127.0.0.1',
    port: gpuA.port,
    user: 'alice',
    auth: 'Private key file',
    keyFile: gpuA.keyFile('alice'),
  });
  await expect(dialogs.hostKeyDialog('gpu-a').getByTestId('host-key-fingerprint')).toHaveText(gpuA.hostKeyFingerprint());
  await dialogs.trustHostKey('gpu-a');
  await expect(nodes.node('gpu-a').getByText('Connected')).toBeVisible();
  await expect(nodes.gpuBar('gpu-a')).toHaveAccessibleName('GPUs: 4 of 4 free');

  // gpu-b with a password: after the host key, the password dialog.
  await dialogs.addNode({ name: 'gpu-b', cluster: 'Lab', host: '127.0.0.1', port: gpuB.port, user: 'alice', auth: 'Password' });
  await dialogs.trustHostKey('gpu-b', 'Trust once');
  await dialogs.enterSecret('gpu-b', gpuB.password('alice'));
  await expect(nodes.node('gpu-b').getByText('Connected')).toBeVisible();
  await expect(nodes.gpuBar('gpu-b')).toHaveAccessibleName('GPUs: 2 of 2 free');
  await expect(nodes.group('Lab').getByRole('article')).toHaveCount(2);

  // Someone else's session takes GPU 1 of gpu-a: the bar follows Docker's event stream, no refresh.
  // Named after the session, as Berth names a session's container.
  const container = await gpuA.docker().createContainer({
    name: 'bobs-notebook',
    Image: BASE_IMAGE,
    Cmd: ['sleep', '600'],
    Labels: {
      'berth.session': '01JE2ESESSION0000000000000',
      'berth.owner': 'bob',
      'berth.name': 'bobs-notebook',
      'berth.gpus': gpuA.gpus[1]?.uuid ?? '',
    },
    HostConfig: { NetworkMode: 'none' },
  });
  try {
    await container.start();
    await expect(nodes.gpuBar('gpu-a')).toHaveAccessibleName('GPUs: 3 of 4 free');
    await expect(nodes.gpu('gpu-a', 1)).toHaveAccessibleName(/reserved by others by bob \(01JE2ESESSION0000000000000\)/);
    await expect(nodes.node('gpu-a').getByRole('list', { name: 'Sessions on gpu-a' })).toContainText('bobs-notebook');
  } finally {
    await container.remove({ force: true });
  }
  await expect(nodes.gpuBar('gpu-a')).toHaveAccessibleName('GPUs: 4 of 4 free');
});

test('a wrong password says so and asks again', async ({ app }) => {
  const gpuB = bedNode('gpu-b');
  const dialogs = new NodeDialogs(app);
  await dialogs.addNode({ name: 'gpu-b-typo', host: '127.0.0.1', port: gpuB.port, user: 'bob', auth: 'Password' });
  await dialogs.trustHostKey('gpu-b-typo', 'Trust once');
  await dialogs.enterSecret('gpu-b-typo', 'not the password');
  await expect(app.getByRole('dialog', { name: 'Connect to gpu-b-typo' })).toContainText(
    'The password for bob@127.0.0.1 was not accepted. Enter it again.',
  );
});

test('the add form says what is wrong before anything is saved', async ({ app }) => {
  await app.getByRole('button', { name: 'Add node' }).click();
  const form = app.getByRole('dialog', { name: 'Add a node' });
  await form.getByLabel('Name').fill('bad name!');
  await form.getByLabel('Port').fill('70000');
  await form.getByRole('button', { name: 'Add node' }).click();
  await expect(form).toContainText('a node name is 1 to 63 letters');
  await expect(form).toContainText('give the host name or address');
  await expect(form.getByLabel('Port')).toHaveAttribute('aria-invalid', 'true');
  await form.getByRole('button', { name: 'Cancel' }).click();
  await expect(app.getByRole('article', { name: 'bad name!' })).toHaveCount(0);
});
