import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DesktopNotification, SessionInfo } from '../app/contract';
import { isIdle } from '../app/domain/idle';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { standInGpus } from '../e2e/testbed/stand-ins';
import { bedNode } from './support/bed-nodes';
import { bookmarkFor, callContext, coreFixture } from './support/core-fixture';

// Notifications (through the notification port, recorded) and idle GPUs, on gpu-n, which no other test uses.
const node = bedNode('gpu-n');
const shown: DesktopNotification[] = [];
const alice = coreFixture({ notifier: { show: (notification) => shown.push(notification) } });
const sessions: string[] = [];
afterAll(async () => {
  node.setGpus(standInGpus(2, 'gpu-n'));
  for (const id of sessions) await alice.call('sessions.stop', { id, force: true }).catch(() => undefined);
  await alice.core.close();
});

const ready = (async () => {
  alice.trust(node);
  await alice.call('nodes.add', { bookmark: bookmarkFor(node, 'n', 'alice', { kind: 'key', keyFile: node.keyFile('alice') }) });
})();

async function create(extra: Record<string, unknown>): Promise<SessionInfo> {
  const session = await alice.call('sessions.create', {
    node: 'n',
    image: `docker://${BASE_IMAGE}`,
    pull: 'never',
    command: ['sleep', '600'],
    ...extra,
  });
  sessions.push(session.id);
  return session;
}

async function until(check: () => boolean, within = 20_000): Promise<void> {
  const deadline = Date.now() + within;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${within} ms; notifications so far: ${JSON.stringify(shown)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('notifications', () => {
  it('says when a queued session starts', async () => {
    await ready;
    const holder = await create({ gpus: 2 });
    const requestId = 'notify-queued';
    let waiting = false;
    const stop = alice.core.events.subscribe((name, payload) => {
      if (name === 'sessions.progress' && (payload as { requestId: string; stage: string }).requestId === requestId)
        waiting ||= (payload as { stage: string }).stage === 'waiting';
    });
    const queued = create({ gpus: 1, requestId, name: 'queued-one' });
    await until(() => waiting);
    expect(shown.filter((n) => n.kind === 'session-started')).toEqual([]);
    await alice.call('sessions.stop', { id: holder.id });
    await queued;
    stop();
    await until(() => shown.some((n) => n.kind === 'session-started'));
    expect(shown.find((n) => n.kind === 'session-started')).toEqual({
      kind: 'session-started',
      title: 'queued-one started',
      body: expect.stringMatching(/^On n with GPU \d, after waiting in the queue\.$/) as string,
    });
    // A session stopped by Berth is no surprise: no "ended" notification for the holder.
    expect(shown.some((n) => n.kind === 'session-ended')).toBe(false);
  });

  it('says when a session ends by itself, and when a build finishes, unless switched off', async () => {
    await ready;
    await create({ command: ['sh', '-c', 'sleep 1; exit 3'], name: 'short-lived' });
    await until(() => shown.some((n) => n.kind === 'session-ended'));
    expect(shown.find((n) => n.kind === 'session-ended')).toEqual({
      kind: 'session-ended',
      title: 'short-lived ended',
      body: 'Its main process on n exited with exit code 3.',
    });

    const context = mkdtempSync(join(tmpdir(), 'berth-notify-'));
    writeFileSync(join(context, 'Dockerfile'), `FROM ${BASE_IMAGE}\nLABEL x=y\n`);
    const build = (): Promise<unknown> =>
      alice.core.dispatcher.call('images.build', { node: 'n', source: { kind: 'path', path: context }, tag: 'notify:1' }, callContext());
    await build();
    await until(() => shown.some((n) => n.kind === 'build-finished'));
    expect(shown.find((n) => n.kind === 'build-finished')).toEqual({ kind: 'build-finished', title: 'Built notify:1', body: 'On n.' });
    await alice.call('settings.update', { notifications: { buildFinished: false } });
    const before = shown.length;
    await build();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(shown.length).toBe(before);
  });
});

describe('idle GPUs', () => {
  it('shows each session its GPUs’ readings, and marks it idle once they read 0% for longer than the threshold', async () => {
    await ready;
    node.setGpus(standInGpus(2, 'gpu-n').map((gpu) => ({ ...gpu, utilization: 55, memoryUsedMiB: 1024 })));
    await alice.call('nodes.show', { name: 'n' });
    const session = await create({ gpus: 1, name: 'maybe-idle' });
    await alice.call('nodes.show', { name: 'n' });
    const busy = await alice.call('sessions.describe', { id: session.id });
    expect(busy.gpuUsage).toEqual([{ index: busy.gpuIndexes[0], utilization: 55, memoryUsedMiB: 1024, memoryMiB: 81920 }]);
    expect(busy.idleSince).toBeUndefined();

    node.setGpus(standInGpus(2, 'gpu-n'));
    await alice.call('nodes.show', { name: 'n' });
    const quiet = await alice.call('sessions.describe', { id: session.id });
    expect(quiet.idleSince).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const threshold = 1;
    const listed = (await alice.call('sessions.list', { node: 'n', everyone: true })).sessions.find((s) => s.id === session.id);
    expect(isIdle(listed?.idleSince, threshold, Date.now())).toBe(true);
    expect(isIdle(listed?.idleSince, 7200, Date.now())).toBe(false);
    const hold = (await alice.call('nodes.show', { name: 'n' })).inventory?.sessions.find((s) => s.id === session.id);
    expect(hold?.idleSince).toBe(listed?.idleSince);
  });
});
