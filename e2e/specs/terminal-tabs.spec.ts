import { expect, test } from '../fixtures';
import { shellSession } from '../shell-session';

test('terminal tabs open, switch, rename, reorder, find and close from the keyboard and the mouse', async ({ app, serve, shell }) => {
  const { sessions } = await shellSession(app, serve, 'gpu-b', 'e2e-tabs');
  await sessions.type('echo needle one; echo needle two\n');
  await expect(sessions.screen).toContainText('needle two');

  // New terminal: VS Code's Ctrl+Shift+`, and the strip's + button.
  await sessions.press('Control+Shift+Backquote');
  await expect(app.getByRole('tab')).toHaveCount(2);
  await expect(sessions.screen).toContainText('$');
  await app.getByRole('button', { name: 'New terminal in this session' }).click();
  await expect(app.getByRole('tab')).toHaveCount(3);
  const selected = app.getByRole('tab', { selected: true });
  await expect(selected).toHaveText('e2e-tabs · gpu-b · shell');

  // Rename: F2 on the tab in front, double-click on another.
  await sessions.press('F2');
  await app.getByLabel('Tab name').fill('builds');
  await app.getByLabel('Tab name').press('Enter');
  await expect(selected).toHaveText('builds');
  await sessions.tab('e2e-tabs · gpu-b · attach').dblclick();
  await app.getByLabel('Tab name').fill('main');
  await app.getByLabel('Tab name').press('Enter');
  await expect(app.getByRole('tab')).toHaveText(['main', 'e2e-tabs · gpu-b · shell', 'builds']);

  // Drag "builds" in front of "main".
  await sessions.tab('builds').dragTo(sessions.tab('main'));
  await expect(app.getByRole('tab')).toHaveText(['builds', 'main', 'e2e-tabs · gpu-b · shell']);

  // Next and previous wrap around, as in VS Code.
  await sessions.tab('main').click();
  await sessions.press('Control+PageDown');
  await expect(selected).toHaveText('e2e-tabs · gpu-b · shell');
  await sessions.press('Control+PageDown');
  await expect(selected).toHaveText('builds');
  await sessions.press('Control+PageUp');
  await expect(selected).toHaveText('e2e-tabs · gpu-b · shell');
  await sessions.press('Control+PageUp');
  await expect(selected).toHaveText('main');

  // Find, with the number of matches; Escape closes it and the keys go to the shell again.
  await sessions.press('Control+Shift+F');
  await app.getByLabel('Find in terminal').fill('needle');
  await expect(app.getByRole('search')).toContainText('of 4');
  await app.getByLabel('Find in terminal').fill('nothing-here');
  await expect(app.getByRole('search')).toContainText('No results');
  await app.getByLabel('Find in terminal').press('Escape');
  await expect(app.getByRole('search')).toHaveCount(0);

  // The menu names every command with its key, and runs it.
  await app.getByRole('button', { name: 'Terminal menu' }).click();
  const closeKey = shell === 'browser' ? 'Alt+Shift+W' : 'Ctrl+Shift+W';
  await expect(app.getByRole('menuitem', { name: 'Close Tab' })).toContainText(closeKey);
  await app.getByRole('menuitem', { name: 'Next Tab' }).click();
  await expect(selected).toHaveText('e2e-tabs · gpu-b · shell');

  // Close from the keyboard; the tab after it comes to the front.
  await sessions.press(shell === 'browser' ? 'Alt+Shift+W' : 'Control+Shift+W');
  await expect(app.getByRole('tab')).toHaveText(['builds', 'main']);

  // The attach tab of a session that ends shows its exit code and offers to close.
  await sessions.tab('main').click();
  await sessions.type('exit 3\n');
  await expect(sessions.tab('main')).toContainText('exit 3');
  await expect(sessions.banner).toContainText('The session ended with exit code 3.');
  await sessions.banner.getByRole('button', { name: 'Close tab' }).click();
  // The session's other tab ended with it (its shell was killed: 128 + 9).
  await expect(app.getByRole('tab')).toHaveText([/builds · exit 137/]);
});
