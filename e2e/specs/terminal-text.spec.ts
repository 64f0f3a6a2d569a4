import { expect, test } from '../fixtures';
import { shellSession } from '../shell-session';

test('a terminal prints a character split across two chunks, and its size reaches the TTY', async ({ app, serve }) => {
  const { sessions } = await shellSession(app, serve, 'gpu-b', 'e2e-text');

  // "€" is three bytes (e2 82 ac); the first two and the last leave the node half a second apart.
  await sessions.type("printf 'price: \\342\\202'; sleep 0.5; printf '\\254 done\\n'\n");
  await expect(sessions.screen).toContainText('price: € done');

  // The tab's size in cells is the TTY's, and follows the window.
  const before = await sessions.size();
  await sessions.type('stty size\n');
  await expect(sessions.screen).toContainText(`${before.rows} ${before.cols}`);
  await app.setViewportSize({ width: 900, height: 560 });
  await expect.poll(async () => (await sessions.size()).cols).toBeLessThan(before.cols);
  const after = await sessions.size();
  // The resize travels (debounced) to the node; ask the TTY until it has arrived.
  await expect(async () => {
    await sessions.type('clear; stty size\n');
    await expect(sessions.screen).toContainText(`${after.rows} ${after.cols}`, { timeout: 1000 });
  }).toPass({ timeout: 10_000 });

  await sessions.stop('e2e-text');
});
