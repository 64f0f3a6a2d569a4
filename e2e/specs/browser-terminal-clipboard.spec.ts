// Code passed to evaluate() runs in the page.
/// <reference lib="dom" />
import { expect, test } from '../fixtures';
import { shellSession } from '../shell-session';

// Browser mode only: the spec reads the clipboard through the page, which the desktop app does not permit.
test('selecting copies, and pasting respects bracketed paste', async ({ app, serve }) => {
  await app.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  const { sessions } = await shellSession(app, serve, 'gpu-b', 'e2e-clipboard');

  // Copy on select: a double-click selects a word, and the word is on the clipboard.
  await sessions.type('echo copy-me-$((40+2))\n');
  await expect(sessions.screen).toContainText('copy-me-42');
  // xterm's screen layer takes the pointer, so the double-click goes where the word is drawn.
  const word = await sessions.screen.getByText('copy-me-42', { exact: true }).boundingBox();
  if (!word) throw new Error('the word is not on screen');
  await app.mouse.dblclick(word.x + word.width / 2, word.y + word.height / 2);
  await expect.poll(() => app.evaluate(() => navigator.clipboard.readText())).toBe('copy-me-42');

  // A program that turns bracketed paste on gets the pasted text between the markers.
  await sessions.type("printf '\\033[?2004h'; cat -v\n");
  await app.evaluate(() => navigator.clipboard.writeText('pasted text'));
  await sessions.press('Control+Shift+V');
  await sessions.press('Enter');
  await expect(sessions.screen).toContainText('^[[200~pasted text^[[201~');
  await sessions.press('Control+C');

  // Without it, the text arrives as typed.
  await sessions.type("printf '\\033[?2004l'; cat -v\n");
  await sessions.press('Control+Shift+V');
  await sessions.press('Enter');
  await expect(sessions.screen.getByText(/^pasted text\s*$/)).toHaveCount(2);
});
