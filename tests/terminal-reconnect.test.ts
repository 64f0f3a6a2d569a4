import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { sessionProcesses } from '../e2e/testbed/session-processes';
import type { SessionInfo, TerminalStatus } from '../app/contract';
import { bedNode } from './support/bed-nodes';
import { bookmarkFor, coreFixture } from './support/core-fixture';
import { openTerminal } from './support/session-io';

// The SSH connection under open terminals is cut the way a network drop cuts it: the sshd serving it is killed.
const gpuA = bedNode('gpu-a');
const fixture = coreFixture();
const started: string[] = [];
afterAll(async () => {
  for (const id of started) await fixture.call('sessions.stop', { id, force: true }).catch(() => undefined);
  await fixture.core.close();
});

async function shellSession(): Promise<SessionInfo> {
  fixture.trust(gpuA);
  await fixture
    .call('nodes.add', { bookmark: bookmarkFor(gpuA, 'gpu-a', 'alice', { kind: 'key', keyFile: gpuA.keyFile('alice') }) })
    .catch(() => undefined);
  const session = await fixture.call('sessions.create', { node: 'gpu-a', image: `docker://${BASE_IMAGE}`, pull: 'never', command: ['sh'] });
  started.push(session.id);
  return session;
}

function statuses(): TerminalStatus[] {
  const seen: TerminalStatus[] = [];
  fixture.core.events.subscribe((name, payload) => {
    if (name === 'terminals.status') seen.push(payload as TerminalStatus);
  });
  return seen;
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('terminals across a dropped SSH connection', () => {
  it('an attach terminal says it is reconnecting, then rejoins the same process on the same stream', async () => {
    const session = await shellSession();
    const seen = statuses();
    const attach = await openTerminal(fixture.core, session.id, 'attach');
    await attach.type('echo before-$((1+1))\n');
    await attach.waitFor('before-2');

    expect(gpuA.cutConnections(process.pid)).toBeGreaterThan(0);
    await until('reconnecting', () => seen.some((s) => s.terminal === attach.terminal && s.state === 'reconnecting'));
    await until('live again', () => seen.at(-1)?.terminal === attach.terminal && seen.at(-1)?.state === 'live');

    await attach.type('echo after-$((2+2))\n');
    await attach.waitFor('after-4');
    // One stream throughout: what was printed before the drop is still there, ahead of what came after.
    expect(attach.text().indexOf('before-2')).toBeLessThan(attach.text().indexOf('after-4'));
    expect(await sessionProcesses(gpuA, session)).toEqual(['sh']);
    attach.close();
  });

  it('an exec terminal ends its orphaned process and says the connection was lost', async () => {
    const session = await shellSession();
    const exec = await openTerminal(fixture.core, session.id, 'exec', ['sh']);
    await exec.type('echo forked-$((3+3))\n');
    await exec.waitFor('forked-6');
    expect(await sessionProcesses(gpuA, session)).toEqual(['sh', 'sh']);

    expect(gpuA.cutConnections(process.pid)).toBeGreaterThan(0);
    await exec.closed;
    expect(await fixture.call('terminals.exit', { terminal: exec.terminal })).toEqual({ exitCode: null, sessionEnded: false, connectionLost: true });
    // The HUP is sent once the node is back; the shell may take a moment to go.
    let left: string[] = [];
    for (let i = 0; i < 50 && (left = await sessionProcesses(gpuA, session)).length > 1; i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(left).toEqual(['sh']);
  });

  it('an attach terminal whose node bookmark is removed ends, saying the connection was closed', async () => {
    const session = await shellSession();
    const attach = await openTerminal(fixture.core, session.id, 'attach');
    await attach.type('echo here-$((1+2))\n');
    await attach.waitFor('here-3');
    await fixture.call('nodes.remove', { name: 'gpu-a' });
    await attach.closed;
    expect(await fixture.call('terminals.exit', { terminal: attach.terminal })).toEqual({
      exitCode: null,
      sessionEnded: false,
      connectionLost: true,
    });
    // The session runs on, on the node.
    expect(await sessionProcesses(gpuA, session)).toEqual(['sh']);
    await fixture.call('nodes.add', { bookmark: bookmarkFor(gpuA, 'gpu-a', 'alice', { kind: 'key', keyFile: gpuA.keyFile('alice') }) });
  });
});
