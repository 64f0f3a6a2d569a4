import { expect, test } from '../fixtures';
import { NodesPage } from '../pages/nodes-page';

test('the app loads and lists "This computer" with its real Docker', async ({ app }) => {
  const nodes = new NodesPage(app);
  await expect(nodes.heading).toBeVisible();
  const local = nodes.group('Local').getByRole('article', { name: 'This computer' });
  await expect(local).toBeVisible();
  await expect(local.getByText('Connected')).toBeVisible();
  await expect(local.getByText(/^Docker \d+\.\d+/)).toBeVisible();
  await expect(local).toContainText(process.env.BERTH_E2E_DOCKER_SOCKET ?? 'no socket');

  await nodes.refresh();
  await expect(nodes.node('This computer')).toBeVisible();
});

test('Add node explains a wrong field beside it, and the explanation goes once the field is fixed', async ({ app }) => {
  await app.getByRole('button', { name: 'Add node' }).click();
  const form = app.getByRole('dialog', { name: 'Add a node' });
  await form.getByLabel('Name').fill('typo');
  await form.getByLabel('Port').fill('99999');
  await form.getByRole('button', { name: 'Add node' }).click();
  const host = form.locator('label', { hasText: 'Host' }).first();
  const port = form.locator('label', { hasText: 'Port' });
  await expect(host).toContainText('give the host name or address');
  await expect(port).toContainText('a port is a number from 1 to 65535');
  await form.getByPlaceholder('gpu-node-3.cluster.example.org').fill('gpu.example.org');
  await expect(host).not.toContainText('give the host name or address');
  await expect(port).toContainText('a port is a number from 1 to 65535');
  await form.getByLabel('Port').fill('22');
  await expect(port).not.toContainText('a port is a number');
});
