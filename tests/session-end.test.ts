import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import type { SessionInfo } from '../app/contract';
import { bedNode } from './support/bed-nodes';
import { bookmarkFor, coreFixture } from './support/core-fixture';

// How a session ends: stopped by the user, or its main process dying on its own. On gpu-b, as alice.
const gpuB = bedNode('gpu-b');
const alice = coreFixture();
const started: string[] = [];
afterAll(async () => {
  for (const id of started) await alice.call('sessions.stop', { id, force: true }).catch(() => undefined);
  await alice.core.close();
});

async function setUp(): Promise<void> {
  alice.trust(gpuB);
  await alice.call('nodes.add', { bookmark: bookmarkFor(gpuB, 'gpu-b', 'alice', { kind: 'key', keyFile: gpuB.keyFile('alice') }) });
}
const ready = setUp();

async function create(command: string[]): Promise<SessionInfo> {
  await ready;
  const session = await alice.call('sessions.create', { node: 'gpu-b', image: `docker://${BASE_IMAGE}`, pull: 'never', command });
  started.push(session.id);
  return session;
}

async function describeWhenEnded(id: string): Promise<SessionInfo> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const session = await alice.call('sessions.describe', { id });
    if (session.status === 'exited') return session;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${id} did not end`);
}

describe('a session ending', () => {
  it('stops a plain shell by hanging it up (SIGHUP, exit 129), not by waiting out SIGTERM for SIGKILL (137)', async () => {
    const session = await create([]);
    const entry = await alice.call('sessions.stop', { id: session.id, force: false });
    expect(entry.exitCode).toBe(129);
  });

  it('still gives a program that is not a shell SIGTERM', async () => {
    const session = await create(['sh', '-c', 'trap "echo got-term; exit 7" TERM; while true; do sleep 0.1; done']);
    const entry = await alice.call('sessions.stop', { id: session.id, force: false });
    expect(entry.exitCode).toBe(7);
    expect(entry.lastOutput).toContain('got-term');
  });

  it('shows the last output of a main process that died, with its exit code', async () => {
    const session = await create(['sh', '-c', 'echo "boom-$((6*7))" >&2; exit 3']);
    const ended = await describeWhenEnded(session.id);
    expect(ended.exitCode).toBe(3);
    expect(ended.lastOutput).toBe('boom-42');
  });

  it('is over once its main process ended, also for a Berth that was not running then: not active, in the history', async () => {
    const session = await create(['sh', '-c', 'echo "gone-$((6*7))"; exit 5']);
    await describeWhenEnded(session.id);
    // Another Berth of the same user (another laptop, or the next start), which did not see it end.
    const later = coreFixture();
    later.trust(gpuB);
    await later.call('nodes.add', { bookmark: bookmarkFor(gpuB, 'gpu-b', 'alice', { kind: 'key', keyFile: gpuB.keyFile('alice') }) });
    try {
      const { sessions } = await later.call('sessions.list', { everyone: true });
      expect(sessions.map((s) => s.id)).not.toContain(session.id);
      const entry = (await later.call('sessions.history', {})).find((e) => e.id === session.id);
      expect(entry).toMatchObject({ exitCode: 5, lastOutput: 'gone-42', node: 'gpu-b' });
    } finally {
      await later.core.close();
    }
  });

  it('leaves no ended session container on the node past the retention', async () => {
    // A Berth whose retention is a second instead of ten minutes: the same rule, shorter. As frank,
    // whom no other test runs sessions for on gpu-b, so only his ended sessions can go.
    const brief = coreFixture({ endedRetentionMs: 1000 });
    brief.trust(gpuB);
    await brief.call('nodes.add', { bookmark: bookmarkFor(gpuB, 'gpu-b', 'frank', { kind: 'key', keyFile: gpuB.keyFile('frank') }) });
    try {
      const session = await brief.call('sessions.create', {
        node: 'gpu-b',
        image: `docker://${BASE_IMAGE}`,
        pull: 'never',
        command: ['sh', '-c', 'exit 6'],
      });
      const containers = (): Promise<unknown[]> => gpuB.docker().listContainers({ all: true, filters: { label: [`berth.session=${session.id}`] } });
      for (let attempt = 0; attempt < 50 && (await brief.call('sessions.describe', { id: session.id })).status !== 'exited'; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await containers()).toHaveLength(1);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await brief.call('sessions.list', { everyone: false });
      expect(await containers()).toHaveLength(0);
      expect((await brief.call('sessions.history', {})).find((e) => e.id === session.id)).toMatchObject({ exitCode: 6 });
    } finally {
      await brief.core.close();
    }
  });

  it('lists the history newest first', async () => {
    const history = await alice.call('sessions.history', {});
    expect(history.length).toBeGreaterThanOrEqual(2);
    const finished = history.map((entry) => entry.finishedAt);
    expect(finished).toEqual([...finished].sort().reverse());
  });
});
