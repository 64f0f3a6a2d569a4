import { test as base, _electron } from '@playwright/test';
import type { Page } from '@playwright/test';
import { join } from 'node:path';
import { startBerthServe } from './berth-serve';
import type { BerthServe } from './berth-serve';

export interface ShellOptions {
  /** Which shell the specs drive: browser mode in Chromium, or the Electron app. */
  shell: 'browser' | 'electron';
  electronPath: string | undefined;
}

interface Fixtures {
  /** The Berth UI, loaded and connected, in whichever shell this project runs. */
  app: Page;
  /** A fresh `berth serve` per test, with its own config folder: tests share no bookmarks or trusted keys. */
  serve: BerthServe;
  /** The process whose core holds the SSH connections: serve, or the Electron main process. */
  corePid: number;
}

const electronPids = new WeakMap<Page, number>();

function bedEnv(): NodeJS.ProcessEnv {
  const socket = process.env.BERTH_E2E_DOCKER_SOCKET;
  if (!socket) throw new Error('The test bed is not running: run the specs through `npm run e2e`, whose global setup starts it.');
  return { DOCKER_HOST: `unix://${socket}` };
}

export { bedEnv };

export const test = base.extend<Fixtures & ShellOptions>({
  shell: ['browser', { option: true }],
  electronPath: [undefined, { option: true }],

  // Playwright reads a fixture's dependencies from its first parameter's pattern, so "none" must be written {}.
  // eslint-disable-next-line no-empty-pattern
  serve: async ({}, use) => {
    const serve = await startBerthServe(bedEnv());
    await use(serve);
    await serve.stop();
  },

  app: async ({ shell, electronPath, page, serve }, use) => {
    if (shell === 'browser') {
      await page.goto(serve.url);
      await use(page);
      return;
    }
    const app = await _electron.launch({
      executablePath: electronPath,
      args: ['--no-sandbox', join(import.meta.dirname, '..', 'out', 'main', 'index.js')],
      // The same config folder as serve's, so what a spec bookmarks with the CLI is there.
      env: { ...process.env, ...bedEnv(), BERTH_HOME: serve.configDir },
    });
    const window = await app.firstWindow();
    electronPids.set(window, app.process().pid ?? 0);
    await use(window);
    await app.close();
  },

  corePid: async ({ shell, serve, app }, use) => {
    await use(shell === 'browser' ? serve.pid : (electronPids.get(app) ?? 0));
  },
});

export { expect } from '@playwright/test';
