import { expect, test } from '../fixtures';
import { shellSession } from '../shell-session';

test('a tab flooded with output still takes Ctrl+C, and another tab still echoes', async ({ app, serve }) => {
  const { sessions } = await shellSession(app, serve, 'gpu-b', 'e2e-flood');

  // 100 MB of output, far more than any buffer on the way may hold.
  await sessions.type('head -c 100000000 /dev/zero | tr "\\0" y; echo flood-over\n');
  await app.waitForTimeout(1500);
  await sessions.press('Control+C');
  await sessions.type('echo after-$((20+22))\n');
  await expect(sessions.screen).toContainText('after-42', { timeout: 5000 });

  // A second tab in the same session answers while the first floods again.
  await sessions.type('yes\n');
  await sessions.open();
  await sessions
    .row(/e2e-flood/)
    .getByRole('button', { name: 'New terminal' })
    .click();
  // It must answer, not race: the flooding tab still costs this 2-core machine's one page thread (speed is for the benches).
  await expect(sessions.screen).toContainText('$', { timeout: 30_000 });
  await sessions.type('echo second-$((6*7))\n');
  await expect(sessions.screen).toContainText('second-42', { timeout: 30_000 });

  await sessions.tab(/e2e-flood · gpu-b · attach/).click();
  await sessions.press('Control+C');
  await sessions.type('echo stopped-$((1+1))\n');
  await expect(sessions.screen).toContainText('stopped-2', { timeout: 5000 });
});
