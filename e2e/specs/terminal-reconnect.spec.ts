// Code passed to evaluate() runs in the page.
/// <reference lib="dom" />
import { sessionProcesses } from '../testbed/session-processes';
import { expect, test } from '../fixtures';
import { shellSession } from '../shell-session';

test('tabs come back after the SSH connection is cut: the attach tab rejoins with its scrollback, the fork tab offers a new shell', async ({
  app,
  serve,
  corePid,
}) => {
  const { sessions, node: gpuA } = await shellSession(app, serve, 'gpu-a', 'e2e-reconnect');
  await sessions.type('echo before-$((6*7))\n');
  await expect(sessions.screen).toContainText('before-42');

  await app.getByRole('button', { name: 'New terminal in this session' }).click();
  await expect(sessions.tab(/e2e-reconnect · gpu-a · shell/)).toHaveAttribute('aria-selected', 'true');
  await expect(sessions.screen).toContainText('$');
  await sessions.type('echo fork-$((2*3))\n');
  await expect(sessions.screen).toContainText('fork-6');
  await sessions.tab(/e2e-reconnect · gpu-a · attach/).click();
  expect(await sessionProcesses(gpuA, { name: 'e2e-reconnect' })).toHaveLength(2);

  // The network drops: the sshd serving Berth's connection to gpu-a dies.
  // Berth may be back within a fraction of a second, so the page itself notes the banner when it shows.
  // Only the attach tab's own banner counts (the fork tab, hidden, reconnects too).
  await app.evaluate(() => {
    const page = window as unknown as { sawReconnecting: boolean };
    const pane = document.querySelector('[data-testid^="terminal-"]:not(.hidden)');
    if (!pane) throw new Error('no visible terminal');
    page.sawReconnecting = false;
    new MutationObserver(() => {
      if (pane.querySelector('.banner-line')?.textContent?.includes('reconnecting')) page.sawReconnecting = true;
    }).observe(pane, { subtree: true, childList: true, characterData: true });
  });
  expect(gpuA.cutConnections(corePid)).toBeGreaterThan(0);
  await expect.poll(() => app.evaluate(() => (window as unknown as { sawReconnecting: boolean }).sawReconnecting)).toBe(true);
  await expect(sessions.banner).toHaveCount(0, { timeout: 30_000 });
  await expect(sessions.screen).toContainText('before-42');
  await sessions.type('echo after-$((5*5))\n');
  await expect(sessions.screen).toContainText('after-25');

  // The fork tab's shell went with the connection; a new one opens in the same pane, its old text kept.
  await sessions.tab(/e2e-reconnect · gpu-a · shell/).click();
  await expect(sessions.banner).toContainText('dropped');
  await expect(sessions.tab(/e2e-reconnect · gpu-a · shell/)).toContainText('lost');
  await app.getByRole('button', { name: 'Start a new shell' }).click();
  await expect(sessions.banner).toHaveCount(0);
  await sessions.type('echo again-$((3*3))\n');
  await expect(sessions.screen).toContainText('again-9');
  await expect(sessions.screen).toContainText('fork-6');

  // The session's main shell and the one new fork shell: nothing duplicated, nothing orphaned.
  await expect.poll(() => sessionProcesses(gpuA, { name: 'e2e-reconnect' }).then((list) => list.length)).toBe(2);
  await sessions.stop('e2e-reconnect');
});
