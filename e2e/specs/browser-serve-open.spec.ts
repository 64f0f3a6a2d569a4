import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bedEnv, expect, test } from '../fixtures';
import { newConfigHome } from '../config-home';

const BERTH = new URL('../../bin/berth.js', import.meta.url).pathname;

// Browser mode only. `--open` hands the browser a local page rather than the token URL; this is
// Chromium following that page, as the browser xdg-open starts would.
test('the page `berth serve --open` hands the browser leads Chromium into the UI', async ({ page }) => {
  const bin = mkdtempSync(join(tmpdir(), 'berth-opener-'));
  const record = join(bin, 'opened');
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${record}.part' && mv '${record}.part' '${record}'\n`);
  chmodSync(join(bin, 'xdg-open'), 0o755);
  const home = newConfigHome('berth-e2e-open-');
  const child = spawn(process.execPath, [BERTH, 'serve', '--open'], {
    env: { ...process.env, ...bedEnv(), HOME: home, BERTH_HOME: home, PATH: `${bin}:${process.env.PATH ?? ''}` },
    stdio: 'ignore',
  });
  try {
    await expect.poll(() => existsSync(record), { timeout: 20_000 }).toBe(true);
    await page.goto(pathToFileURL(readFileSync(record, 'utf8')).href);
    await expect(page.getByRole('article', { name: 'This computer' })).toBeVisible();
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/(#.*)?$/);
    expect(page.url()).not.toContain('token');
  } finally {
    const exit = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exit;
  }
});
