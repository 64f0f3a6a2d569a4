// Code passed to evaluate() runs in the page.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { expect, test } from '../fixtures';
import { shellSession } from '../shell-session';

test('scrollback is a setting, and WebGL draws only the tab in view, falling back to the DOM when its context is lost', async ({ app, serve }) => {
  const { sessions } = await shellSession(app, serve, 'gpu-b', 'e2e-settings');

  // Settings apply to terminals already open.
  await app.getByRole('link', { name: 'Settings' }).click();
  await app.getByLabel('Scrollback (lines)').fill('100');
  await app.getByRole('form', { name: 'Terminals' }).getByRole('button', { name: 'Save' }).click();
  await expect(app.getByRole('form', { name: 'Terminals' }).getByRole('status')).toContainText('Saved');
  await app.getByRole('link', { name: 'Terminals' }).click();
  await sessions.type('seq 1 400\n');
  await expect(sessions.screen).toContainText('400');
  // Scrolled to the top, the oldest line kept is no earlier than 400 - rows - 100.
  const pane = app.locator('[data-testid^="terminal-"]:visible');
  await pane.hover();
  await app.mouse.wheel(0, -100_000);
  const rows = (await sessions.size()).rows;
  await expect.poll(async () => Number((await sessions.screen.locator('div').first().innerText()).trim())).toBeGreaterThan(400 - rows - 110);

  const webgl2 = await app.evaluate(() => document.createElement('canvas').getContext('webgl2') !== null);
  await app.getByRole('link', { name: 'Settings' }).click();
  // Headless Chromium draws WebGL in software, which "auto" declines; "on" uses it anyway.
  await app.getByLabel('GPU acceleration').selectOption('on');
  await app.getByRole('form', { name: 'Terminals' }).getByRole('button', { name: 'Save' }).click();
  await expect(app.getByRole('form', { name: 'Terminals' }).getByRole('status')).toContainText('Saved');
  await app.getByRole('link', { name: 'Terminals' }).click();
  const panes = app.locator('[data-testid^="terminal-"]');
  await expect(pane).toHaveAttribute('data-renderer', webgl2 ? 'webgl' : 'dom');

  // A second tab: it takes WebGL, and the first, hidden, gives its context back.
  await app.getByRole('button', { name: 'New terminal in this session' }).click();
  await expect(panes).toHaveCount(2);
  await expect(panes.nth(1)).toHaveAttribute('data-renderer', webgl2 ? 'webgl' : 'dom');
  await expect(panes.nth(0)).toHaveAttribute('data-renderer', 'dom');
  if (!webgl2) return;

  // The GPU process resets: the context is lost, and the tab goes on with the DOM renderer.
  await app.evaluate(() => {
    // xterm draws links on a 2D canvas of its own; the WebGL one is the canvas that has a webgl2 context.
    for (const canvas of document.querySelectorAll<HTMLCanvasElement>('[data-testid^="terminal-"]:not(.hidden) canvas')) {
      canvas.getContext('webgl2')?.getExtension('WEBGL_lose_context')?.loseContext();
    }
  });
  await expect(panes.nth(1)).toHaveAttribute('data-renderer', 'dom');
  await sessions.type('echo still-$((4+4))\n');
  await expect(sessions.screen).toContainText('still-8');
});
