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
