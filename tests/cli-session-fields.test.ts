import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import type { SessionInfo } from '../app/contract';
import { cliUser } from './support/cli-user';
import { bedNode } from './support/bed-nodes';

// `berth session create` checks its flags as the New session dialog checks its fields, in the same words.
const { berth } = cliUser('cli-fields');
const node = bedNode('gpu-b');
const created: string[] = [];
const create = (...args: string[]): ReturnType<typeof berth> =>
  berth('session', 'create', '--node', 'b', '--detach', '--image', `docker://${BASE_IMAGE}`, '--pull', 'never', ...args);

beforeAll(() => {
  expect(berth(...node.berthAddArgs('b')).status).toBe(0);
});
afterAll(() => {
  for (const id of created) berth('session', 'stop', id);
});

describe('berth session create, field by field', () => {
  it('names the node’s GPU count when asked for more GPUs than it has', () => {
    const result = create('--gpus', '99');
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim()).toBe('Error: --gpus: b has only 2 GPUs.');
  });

  it('says what a wrong entry should look like, per flag, without schema paths', () => {
    const result = create('--gpus', '-1', '--env', 'FOO', '--port', 'web');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('--gpus: The number of GPUs cannot be negative: give 0 for none.');
    expect(result.stderr).toContain('--env: "FOO" is not KEY=VALUE: write it as FOO=value.');
    expect(result.stderr).toContain('--port: "web" is not a port: give a whole number from 1 to 65535, like 8888.');
    expect(result.stderr).not.toMatch(/env\.0|ports\.0/);
  });

  it('runs a command given as one quoted text as a shell would split it, and describe shows its last output', async () => {
    const made = create('--', "sh -c 'echo said-$((6*7)) >&2; exit 4'");
    expect(made.stderr).not.toContain('Error');
    const id = made.stdout.trim();
    created.push(id);
    let session: SessionInfo | undefined;
    for (let attempt = 0; attempt < 30 && session?.status !== 'exited'; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 300));
      session = JSON.parse(berth('session', 'describe', id).stdout) as SessionInfo;
    }
    expect(session).toMatchObject({ status: 'exited', exitCode: 4, command: ['sh', '-c', 'echo said-$((6*7)) >&2; exit 4'], lastOutput: 'said-42' });
  });

  it('says what stop does before it does it', () => {
    const made = create('--', 'sleep', '600');
    const id = made.stdout.trim();
    created.push(id);
    const stopped = berth('session', 'stop', id);
    expect(stopped.status).toBe(0);
    expect(stopped.stderr).toContain(`Stopping ${id}: a shell gets SIGHUP, any other main process SIGTERM, then SIGKILL after 10 s…`);
  });
});
