import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_IMAGE } from '../testbed/base-image';
import { startBerthServe } from '../berth-serve';
import { bedEnv, expect, test } from '../fixtures';
import { shellSession } from '../shell-session';
import { SessionsPage } from '../pages/sessions-page';

// Browser mode only: the spec restarts `berth serve` on the same config folder, as quitting and reopening the app would.
test('after a restart, Berth offers to reopen the tabs that were open, and says which sessions ended', async ({ app, serve, browser }) => {
  const { sessions, node: gpuB } = await shellSession(app, serve, 'gpu-b', 'e2e-keep');
  await sessions.type('echo kept-$((9*9))\n');
  await expect(sessions.screen).toContainText('kept-81');
  await sessions.press('F2');
  await app.getByLabel('Tab name').fill('my work');
  await app.getByLabel('Tab name').press('Enter');
  await sessions.open();
  await sessions.create({ node: 'gpu-b', image: `docker://${BASE_IMAGE}`, pull: 'never', name: 'e2e-gone' });
  await expect(app.getByRole('tab')).toHaveCount(2);
  // The tabs are remembered a moment after they change.
  const remembered = (): number => {
    const file = join(serve.configDir, 'terminal-tabs.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { data: unknown[] }).data.length : 0;
  };
  await expect.poll(remembered).toBe(2);
  await app.close();
  await serve.stop();

  // While Berth is closed, one of the sessions ends.
  const gone = await gpuB.docker().listContainers({ filters: { label: ['berth.name=e2e-gone'] } });
  await gpuB
    .docker()
    .getContainer(gone[0]?.Id ?? '')
    .remove({ force: true });

  const again = await startBerthServe(bedEnv(), serve.configDir);
  const page = await browser.newPage();
  try {
    await page.goto(again.url);
    await page.getByRole('link', { name: 'Terminals' }).click();
    const offer = page.getByRole('region', { name: 'Terminals from last time' });
    // Only the tab whose session still runs is offered; the ended one is said, not offered.
    await expect(offer).toContainText('a terminal was open');
    await expect(offer).toContainText('my work (attach, gpu-b)');
    await expect(offer).not.toContainText('e2e-gone');
    await expect(page.getByRole('status')).toContainText('Not offered again, as their sessions have ended: e2e-gone on gpu-b.');
    await offer.getByRole('button', { name: 'Reopen them' }).click();
    await expect(page.getByRole('tab')).toHaveText(['my work']);
    // The attach tab replays the session's recent output.
    const reopened = new SessionsPage(page);
    await expect(reopened.screen).toContainText('kept-81');
    await reopened.stop('e2e-keep');
  } finally {
    await page.close();
    await again.stop();
  }
});
