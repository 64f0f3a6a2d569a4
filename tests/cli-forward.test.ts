import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { BERTH, cliUser } from './support/cli-user';
import { bedNode } from './support/bed-nodes';

// berth session create --port and berth session forward, as a user runs them, against gpu-b.
const { env, berth } = cliUser('cli-forward');
const node = bedNode('gpu-b');
const created: string[] = [];

beforeAll(() => {
  expect(berth(...node.berthAddArgs('b')).status).toBe(0);
});
afterAll(() => {
  for (const id of created) berth('session', 'stop', id);
});

describe('berth session forward', () => {
  it('forwards a port until interrupted, and refuses what is not a port', async () => {
    const script = 'd=$(mktemp -d -p "$HOME") && echo from-cli > "$d/index.html" && exec httpd -f -p 8080 -h "$d"';
    const made = berth(
      'session',
      'create',
      '--node',
      'b',
      '--detach',
      '--port',
      '8080',
      '--image',
      `docker://${BASE_IMAGE}`,
      '--pull',
      'never',
      '--',
      'sh',
      '-c',
      script,
    );
    expect(made.status).toBe(0);
    expect(made.stderr).toMatch(/Port 8080 is at http:\/\/127\.0\.0\.1:\d+\/ until this command ends\./);
    const id = made.stdout.trim();
    created.push(id);

    const forward = spawn(process.execPath, [BERTH, 'session', 'forward', id, '8080'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      forward.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      forward.once('exit', (code) => reject(new Error(`forward exited with ${code}`)));
    });
    expect(await (await fetch(url)).text()).toBe('from-cli\n');
    forward.kill('SIGINT');
    expect(await new Promise((resolve) => forward.once('exit', resolve))).toBe(0);
    await expect(fetch(url)).rejects.toThrow();

    const bad = berth('session', 'forward', id, '8080:99999');
    expect(bad.stderr).toBe('Error: "8080:99999" is not a port: give PORT or PORT:LOCALPORT, each a whole number from 1 to 65535.\n');
    expect(bad.status).toBe(2);
    expect(berth('session', 'forward', id, 'http').status).toBe(2);

    expect(berth('session', 'stop', id).status).toBe(0);
    const ended = berth('session', 'forward', id, '8080');
    expect(ended.status).toBe(1);
    expect(ended.stderr).toMatch(/^Error: The session .* ended \(exit code \d+\) at .*: there is nothing to forward to\.\n$/);
  });
});
