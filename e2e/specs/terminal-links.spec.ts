import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures';
import type { SessionsPage } from '../pages/sessions-page';
import { shellSession } from '../shell-session';

/** Clicks the visible terminal at the first cells of the row that shows `text`, as a user clicks a link there. */
async function clickRowText(app: Page, sessions: SessionsPage, text: string): Promise<void> {
  const row = sessions.screen.locator(':scope > div', { hasText: text }).last();
  const box = await row.boundingBox();
  const { cols } = await sessions.size();
  const screen = await app.locator('[data-testid^="terminal-"]:visible .xterm-screen').boundingBox();
  if (!box || !screen) throw new Error(`The terminal shows no row with ${text}.`);
  const cell = screen.width / cols;
  const at = { x: box.x + cell * 3.5, y: box.y + box.height / 2 };
  // xterm finds links on hover: move there, then click once it has underlined the link.
  await app.mouse.move(at.x - cell, at.y);
  await app.mouse.move(at.x, at.y);
  await expect(app.locator('[data-testid^="terminal-"]:visible .xterm-screen')).toHaveCSS('cursor', 'pointer');
  await app.mouse.click(at.x, at.y);
}

test('a link in a terminal opens only after a dialog has shown its full address', async ({ app, serve }) => {
  const { sessions } = await shellSession(app, serve, 'gpu-b', 'e2e-links');
  const link = `${serve.origin}/from-terminal?run=42`;
  await sessions.type(`clear; echo '${link}'\n`);
  await expect(sessions.screen).toContainText(link);

  const opened: string[] = [];
  app.context().on('page', (page) => opened.push(page.url()));
  await clickRowText(app, sessions, link);
  const dialog = app.getByRole('dialog', { name: 'Open this link?' });
  await expect(dialog.getByLabel('Link address')).toHaveText(link);
  await expect(dialog).toContainText(`Site: ${new URL(link).host}`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  expect(opened).toEqual([]);

  await clickRowText(app, sessions, link);
  const popup = app.context().waitForEvent('page');
  await app.getByRole('dialog', { name: 'Open this link?' }).getByRole('button', { name: 'Open link' }).click();
  await expect.poll(async () => (await popup).url()).toBe(link);
  await expect(app.getByRole('dialog', { name: 'Open this link?' })).toHaveCount(0);
  await (await popup).close();
  await app.bringToFront();

  // An OSC 8 hyperlink shows any text it likes; the dialog shows where it really goes.
  await sessions.type("clear; echo; echo; printf '\\033]8;;https://evil.example/steal\\033\\\\docs.example.org\\033]8;;\\033\\\\\\n'\n");
  await expect(sessions.screen).toContainText('docs.example.org');
  await clickRowText(app, sessions, 'docs.example.org');
  await expect(app.getByRole('dialog', { name: 'Open this link?' }).getByLabel('Link address')).toHaveText('https://evil.example/steal');
  await app.keyboard.press('Escape');
  await expect(app.getByRole('dialog', { name: 'Open this link?' })).toHaveCount(0);

  await sessions.stop('e2e-links');
});
