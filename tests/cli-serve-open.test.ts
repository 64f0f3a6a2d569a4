import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BERTH } from './support/cli-user';

/** Polls until `check` gives a value, or fails saying what it waited for. */
async function waitFor<T>(what: string, check: () => T | undefined): Promise<T> {
  const until = Date.now() + 20_000;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`Gave up waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('berth serve --open', () => {
  it('starts the browser with a 0600 page that leads to the UI, never with the token in its arguments', async () => {
    // A stand-in for xdg-open that records the arguments it was started with, as `ps` would show them.
    const bin = mkdtempSync(join(tmpdir(), 'berth-opener-'));
    const record = join(bin, 'argv');
    writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}.part' && mv '${record}.part' '${record}'\n`);
    chmodSync(join(bin, 'xdg-open'), 0o755);
    const home = mkdtempSync(join(tmpdir(), 'berth-serve-open-'));
    const child = spawn(process.execPath, [BERTH, 'serve', '--open'], {
      env: { ...process.env, HOME: home, BERTH_HOME: join(home, 'berth'), PATH: `${bin}:${process.env.PATH ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const printed = await waitFor('the printed URL', () => /http:\/\/127\.0\.0\.1:(\d+)\/#token=([\w-]{43})/.exec(output) ?? undefined);
      const [, port, token] = printed;
      const argv = await waitFor('the opener to start', () => (existsSync(record) ? readFileSync(record, 'utf8') : undefined));
      expect(argv).not.toContain(token);
      const page = argv.trim();
      expect(argv.trim().split('\n')).toEqual([page]);
      expect(statSync(page).mode & 0o777).toBe(0o600);
      expect(statSync(dirname(page)).mode & 0o777).toBe(0o700);

      const html = readFileSync(page, 'utf8');
      expect(html).not.toContain(token);
      const link = /http-equiv="refresh" content="0;url=([^"]+)"/.exec(html)?.[1] ?? '';
      expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/open\\?code=[\\w-]{43}$`));
      const traded = await fetch(link, { redirect: 'manual' });
      expect(traded.status).toBe(303);
      expect(traded.headers.get('location')).toBe(`/#token=${token}`);
      // Used once: the page is gone and the link is worthless.
      await waitFor('the page to be removed', () => (existsSync(page) ? undefined : true));
      expect((await fetch(link, { redirect: 'manual' })).status).toBe(403);
    } finally {
      const exit = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exit;
    }
  });
});
