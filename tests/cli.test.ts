import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';

// The built `berth` command, run as a user runs it (npm test builds before vitest runs).
const BERTH = new URL('../bin/berth.js', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function berth(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BERTH, ...args], {
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, BERTH_HOME: '/tmp/berth-cli-test' },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('berth', () => {
  it('prints its version', () => {
    const result = berth('--version');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('prints help naming serve', () => {
    const result = berth('--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: berth/);
    expect(result.stdout).toContain('serve');
  });

  it.each([
    [['bogus'], /^Error: unknown command 'bogus'\. Run 'berth --help' for usage\.\n$/],
    [['serve', '--port', 'abc'], /^Error: option .*--port.* argument 'abc' is invalid\. use a whole number/],
    [['serve', '--port', '70000'], /^Error: .*'70000' is invalid/],
    [['--frobnicate'], /^Error: unknown option '--frobnicate'/],
  ])('exits 2 with one Error line for usage error %j', (args, message) => {
    const result = berth(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 1 with one Error line that says what to do when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const result = berth('serve', '--port', String(port));
      expect(result.status).toBe(1);
      expect(result.stderr).toBe(`Error: port ${port} on 127.0.0.1 is in use: pick another with --port, or leave it out for a free one.\n`);
    } finally {
      blocker.close();
    }
  });

  it('serve prints a tokened loopback URL, serves the UI there, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, [BERTH, 'serve'], { env: { ...process.env, BERTH_HOME: '/tmp/berth-cli-test' } });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]{43}/.exec(stdout);
        if (match) resolve(match[0]);
      });
      child.once('exit', (code) => reject(new Error(`serve exited early with ${code}: ${stdout}`)));
    });
    const page = await fetch(url.replace(/#.*/, ''));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
