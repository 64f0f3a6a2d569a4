// Code passed to evaluate() runs in the page.
/// <reference lib="dom" />
import { chromium } from '@playwright/test';
import type { Browser, Page } from '@playwright/test';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, bench, describe, inject } from 'vitest';
import { startBerthServe } from '../e2e/berth-serve';
import type { BerthServe } from '../e2e/berth-serve';
import { bookmarkWithCli } from '../e2e/bookmark-with-cli';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from '../tests/support/bed-nodes';
import { untilPrompt } from './support/until-prompt';

// Terminals in browser mode (real berth serve, real Chromium) against the same work done through
// `ssh -tt NODE docker exec …` in the same run, on the same session container.
const node = bedNode('gpu-b');
const BYTES = 200 * 1024 * 1024;
const ECHO_TIMEOUT_MS = 10_000;
const KEYS = 100;
const FLOOD = `head -c ${BYTES} /dev/zero | tr '\\0' a`;
const BERTH = new URL('../bin/berth.js', import.meta.url).pathname;
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

let serve: BerthServe;
let browser: Browser;
let page: Page;
let container = '';
let round = 0;
const echoes: Record<string, number[]> = {};
const floods: ChildProcessWithoutNullStreams[] = [];

/** `ssh -tt NODE docker ARGS…`; ssh hands the remote shell one line, so each argument is quoted for it. */
function ssh(args: string[]): ChildProcessWithoutNullStreams {
  const quoted = args.map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`);
  return spawn('ssh', ['-tt', ...node.sshArgs('alice'), 'docker', ...quoted]);
}

/** Sets the terminal settings and loads the app afresh (a reload keeps the token; the old tabs' terminals close). */
async function settings(terminal: Record<string, unknown>): Promise<void> {
  writeFileSync(join(serve.configDir, 'settings.json'), JSON.stringify({ version: 1, data: { terminal } }));
  if (page.url().startsWith(serve.origin)) await page.reload();
  else await page.goto(serve.url);
}

async function attach(): Promise<void> {
  await page.getByRole('link', { name: 'Sessions' }).click();
  await page
    .getByRole('row', { name: /bench-terminal/ })
    .getByRole('button', { name: 'Attach' })
    .click();
  await page.getByRole('tab', { selected: true }).waitFor();
  await page.locator('[data-testid^="terminal-"]:visible').click();
}

/** A new shell in the session, as its own tab, once its prompt shows (DOM renderer). */
async function fork(): Promise<void> {
  const tabs = await page.getByRole('tab').count();
  await page.getByRole('button', { name: 'New terminal in this session' }).click();
  await page.getByRole('tab').nth(tabs).waitFor();
  await page.waitForFunction(() => /\$\s*$/.test(document.querySelector('[data-testid^="terminal-"]:not(.hidden) .xterm-rows')?.textContent ?? ''));
}

/** One keystroke into the visible tab, timed in the page from its keydown to its echo on screen. */
async function berthEcho(): Promise<number> {
  await page.evaluate((timeoutMs) => {
    const rows = document.querySelector('[data-testid^="terminal-"]:not(.hidden) .xterm-rows');
    if (!rows) throw new Error('no visible terminal');
    const count = (): number => (rows.textContent ?? '').split('x').length;
    const before = count();
    const state = window as unknown as { echo: Promise<number>; keyAt: number };
    window.addEventListener('keydown', () => (state.keyAt = performance.now()), { capture: true, once: true });
    state.echo = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (count() <= before) return;
        observer.disconnect();
        resolve(performance.now() - state.keyAt);
      });
      observer.observe(rows, { subtree: true, childList: true, characterData: true });
      setTimeout(() => resolve(Number.NaN), timeoutMs);
    });
  }, ECHO_TIMEOUT_MS);
  await page.keyboard.press('x');
  const ms = await page.evaluate(() => (window as unknown as { echo: Promise<number> }).echo);
  if (Number.isNaN(ms)) throw new Error(`no echo in the visible tab within ${ECHO_TIMEOUT_MS} ms`);
  return ms;
}

/** One keystroke into `ssh -tt … docker exec -it … sh`, timed from the write to its echo. */
function sshEcho(shell: ChildProcessWithoutNullStreams): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const timer = setTimeout(() => reject(new Error(`no echo from ssh within ${ECHO_TIMEOUT_MS} ms`)), ECHO_TIMEOUT_MS);
    shell.stdout.once('data', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
    shell.stdin.write('x');
  });
}

/** Ends a process started with `ssh -tt … docker exec -it`: Ctrl+C through the TTY, as killing ssh would leave it running in the container. */
async function interrupt(child: ChildProcessWithoutNullStreams): Promise<void> {
  child.stdin.write('\x03');
  child.stdin.end('exit\n');
  await Promise.race([new Promise((resolve) => child.once('exit', resolve)), new Promise((resolve) => setTimeout(resolve, 2000))]);
  child.kill();
}

function record(name: string, ms: number): void {
  (echoes[name] ??= []).push(ms);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

beforeAll(async () => {
  serve = await startBerthServe({ DOCKER_HOST: `unix://${inject('localDockerSocket')}` });
  bookmarkWithCli(serve, node, 'gpu-b');
  const created = spawnSync(
    process.execPath,
    [
      BERTH,
      'session',
      'create',
      '--node',
      'gpu-b',
      '--image',
      `docker://${BASE_IMAGE}`,
      '--pull',
      'never',
      '--name',
      'bench-terminal',
      '--detach',
      '--',
      'sh',
    ],
    { env: { ...process.env, BERTH_HOME: serve.configDir, HOME: serve.configDir }, encoding: 'utf8' },
  );
  if (created.status !== 0) throw new Error(`session create failed: ${created.stderr}`);
  const [info] = await node.docker().listContainers({ filters: { label: ['berth.name=bench-terminal'] } });
  container = info?.Id ?? '';
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 120_000);

afterAll(async () => {
  for (const flood of floods) await interrupt(flood);
  const rows = Object.keys(echoes).map((name) => {
    const values = echoes[name] ?? [];
    return `  ${name.padEnd(44)} p50 ${percentile(values, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(values, 99).toFixed(1).padStart(6)} ms   (${values.length} keys)`;
  });
  const ratio = (a: string, b: string, p: number): string => (percentile(echoes[a] ?? [], p) / percentile(echoes[b] ?? [], p)).toFixed(2);
  console.log(
    [
      'Keystroke echo (key down to echo on screen for Berth; write to echo read for ssh):',
      ...rows,
      `  berth / ssh, idle:         p50 ${ratio('berth idle', 'ssh idle', 50)}×   p99 ${ratio('berth idle', 'ssh idle', 99)}×`,
      `  berth / ssh, under flood:  p50 ${ratio('berth under flood', 'ssh under flood', 50)}×   p99 ${ratio('berth under flood', 'ssh under flood', 99)}×`,
    ].join('\n'),
  );
  await browser?.close();
  await node
    .docker()
    .getContainer(container)
    .remove({ force: true })
    .catch(() => undefined);
  await serve?.stop();
});

describe(`terminal throughput: ${BYTES / 1024 / 1024} MiB of output until all of it is parsed`, () => {
  bench(
    'baseline: ssh -tt NODE docker exec -t CONTAINER … > /dev/null',
    async () => {
      const run = ssh(['exec', '-t', container, 'sh', '-c', FLOOD]);
      run.stdout.resume();
      await new Promise((resolve) => run.once('exit', resolve));
    },
    { iterations: 3, time: 0, warmupIterations: 1 },
  );

  bench(
    'berth: a fork tab in Chromium (renderer "auto"), until xterm has parsed the last byte',
    async () => {
      const done = `bench-done-${round++}`;
      await page.keyboard.type(`${FLOOD}; printf '\\033]0;${done}\\007'\n`);
      // The title escape comes after the last byte, so xterm sets it only once all of it is parsed.
      await page
        .getByRole('tab', { selected: true })
        .and(page.locator(`[title^="${done}"]`))
        .waitFor({ timeout: 120_000 });
    },
    {
      iterations: 3,
      time: 0,
      warmupIterations: 1,
      setup: async () => {
        // A fork tab, as Docker keeps no log of an exec's output (an attach's 200 MiB would fill the node's disk).
        // Keys typed before the shell is up wait in its TTY (and the warm-up round absorbs the start).
        await settings({ gpuAcceleration: 'auto' });
        await attach();
        await page.getByRole('button', { name: 'New terminal in this session' }).click();
        await page.getByRole('tab', { name: /shell/, selected: true }).waitFor();
      },
    },
  );
});

describe('keystroke echo, idle', () => {
  let shell: ChildProcessWithoutNullStreams;
  bench('ssh idle', async () => record('ssh idle', await sshEcho(shell)), {
    iterations: KEYS,
    warmupIterations: 0,
    warmupTime: 0,
    time: 0,
    setup: async () => {
      shell = ssh(['exec', '-it', container, 'sh']);
      await untilPrompt(shell.stdout);
    },
    teardown: () => interrupt(shell),
  });
  bench('berth idle', async () => record('berth idle', await berthEcho()), {
    iterations: KEYS,
    warmupIterations: 0,
    warmupTime: 0,
    time: 0,
    setup: async () => {
      await settings({ gpuAcceleration: 'off' });
      await attach();
      await page.keyboard.press('Control+U');
    },
  });
});

describe('keystroke echo while another tab floods output', () => {
  let shell: ChildProcessWithoutNullStreams;
  bench('ssh under flood', async () => record('ssh under flood', await sshEcho(shell)), {
    iterations: KEYS,
    warmupIterations: 0,
    warmupTime: 0,
    time: 0,
    setup: async () => {
      const flood = ssh(['exec', '-it', container, 'yes']);
      flood.stdout.resume();
      floods.push(flood);
      shell = ssh(['exec', '-it', container, 'sh']);
      await untilPrompt(shell.stdout);
    },
    teardown: async () => {
      await interrupt(shell);
      for (const flood of floods.splice(0)) await interrupt(flood);
    },
  });
  bench('berth under flood', async () => record('berth under flood', await berthEcho()), {
    iterations: KEYS,
    warmupIterations: 0,
    warmupTime: 0,
    time: 0,
    setup: async () => {
      await settings({ gpuAcceleration: 'off' });
      await attach();
      await fork();
      await page.keyboard.type('yes\n');
      await page.keyboard.press('Control+PageUp');
      await page.keyboard.press('Control+U');
    },
    teardown: async () => {
      await page.keyboard.press('Control+PageDown');
      await page.keyboard.press('Control+C');
    },
  });
});

describe('opening a fork tab to its prompt', () => {
  bench(
    'baseline: ssh NODE docker exec -it CONTAINER sh',
    async () => {
      const shell = ssh(['exec', '-it', container, 'sh']);
      await untilPrompt(shell.stdout);
      shell.stdin.end('exit\n');
    },
    { iterations: 10, time: 0, warmupIterations: 1 },
  );
  bench(
    'berth: New terminal in this session, until its prompt shows',
    async () => {
      await fork();
      await page.keyboard.press('Alt+Shift+W');
    },
    {
      iterations: 10,
      time: 0,
      warmupIterations: 1,
      setup: async () => {
        await settings({ gpuAcceleration: 'off' });
        await attach();
      },
    },
  );
});
