import { defineConfig } from '@playwright/test';
import type { ShellOptions } from './e2e/fixtures';
import { electronBinary } from './e2e/electron-binary';

const electron = electronBinary();
// Said once, by the runner itself (workers load this file too): the Electron project never passes silently.
if (!electron.path && process.env.TEST_WORKER_INDEX === undefined) {
  console.log(`Electron project did not run: ${electron.why}`);
}

export default defineConfig<ShellOptions>({
  testDir: 'e2e/specs',
  globalSetup: './e2e/global-setup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'browser',
      use: {
        shell: 'browser',
        browserName: 'chromium',
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          // Playwright gives each launch a fresh, empty profile of its own.
          args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
        },
      },
    },
    ...(electron.path
      ? [{ name: 'electron', testIgnore: '**/browser-*.spec.ts', use: { shell: 'electron' as const, electronPath: electron.path } }]
      : []),
  ],
});
