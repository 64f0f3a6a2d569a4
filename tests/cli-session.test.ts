import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { BERTH, cliUser } from './support/cli-user';
import { bedNode } from './support/bed-nodes';

// attach, exec and stop as a user runs them, against gpu-b, with no terminal (output is piped).
const { env, berth } = cliUser('cli-session');
const node = bedNode('gpu-b');
const created: string[] = [];

function createDetached(...command: string[]): string {
  const result = berth('session', 'create', '--node', 'b', '--detach', '--image', `docker://${BASE_IMAGE}`, '--pull', 'never', '--', ...command);
  expect(result.stderr).not.toContain('Error');
  const id = result.stdout.trim();
  created.push(id);
  return id;
}

beforeAll(() => {
  expect(berth(...node.berthAddArgs('b')).status).toBe(0);
});
afterAll(() => {
  for (const id of created) berth('session', 'stop', id);
});

describe('berth session, from the command line', () => {
  it('attaches, survives the client being killed, and shows the earlier output on reattach', async () => {
    const id = createDetached('sh', '-c', 'echo marker-before-attach; exec sleep 600');
    const attach = spawn(process.execPath, [BERTH, 'session', 'attach', id], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let seen = '';
    attach.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    const deadline = Date.now() + 20_000;
    while (!seen.includes('marker-before-attach') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toContain('marker-before-attach');
    attach.kill('SIGKILL');
    await new Promise((resolve) => attach.once('exit', resolve));

    expect((await node.docker().listContainers({ filters: { label: [`berth.session=${id}`] } }))[0]?.State).toBe('running');
    const listed = JSON.parse(berth('session', 'list', '--format', 'json').stdout) as { id: string; status: string }[];
    expect(listed.find((s) => s.id === id)?.status).toBe('running');

    const again = spawn(process.execPath, [BERTH, 'session', 'attach', id], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let replay = '';
    again.stdout.on('data', (chunk: Buffer) => (replay += chunk.toString()));
    while (!replay.includes('marker-before-attach') && Date.now() < deadline + 20_000) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(replay).toContain('marker-before-attach');
    again.kill('SIGKILL');
  });

  it('execs a command in the session and leaves with its exit code', () => {
    const id = createDetached('sleep', '600');
    const result = berth('session', 'exec', id, '--', 'sh', '-c', 'whoami; exit 3');
    expect(result.stdout.replace(/\r/g, '')).toBe('alice\n');
    expect(result.status).toBe(3);
  });

  it('says how the session ended when its main process exits', () => {
    // Long enough for the CLI to start, connect and attach first, even on a loaded machine.
    const id = createDetached('sh', '-c', 'sleep 5; echo done-now; exit 7');
    const result = berth('session', 'attach', id);
    expect(result.stdout).toContain('done-now');
    expect(result.stderr).toMatch(/ended with exit code 7/);
    expect(result.status).toBe(7);
  });

  it('uses the only running session when the ID is left out, and stops it', () => {
    for (const id of created) berth('session', 'stop', id);
    const id = createDetached('sleep', '600');
    expect(berth('session', 'exec', '--', 'echo', 'picked').stdout).toContain('picked');
    const listed = berth('session', 'list');
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+OWNER\s+STATUS\s+NODE\s+GPUS\s+IMAGE\s+STARTED\s+DURATION\n/);
    expect(listed.stdout).toContain(id);
    const stopped = berth('session', 'stop', id);
    expect(stopped.stdout).toMatch(new RegExp(`^Stopped alice-\\w+ \\(${id}\\) on b, exit code \\d+\\.\\n$`));
    expect(berth('session', 'describe', id).stderr).toContain(`No session "${id}"`);
  });
});
