import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import type { SessionInfo } from '../app/contract';
import { bedNode } from './support/bed-nodes';
import { bookmarkFor, coreFixture } from './support/core-fixture';
import { runInSession } from './support/session-io';

// Sessions on gpu-b (2 stand-in GPUs), as alice, through the same core the UI and CLI use.
const gpuB = bedNode('gpu-b');
const alice = coreFixture();
const bob = coreFixture();
const started: string[] = [];
afterAll(async () => {
  for (const id of started) await alice.call('sessions.stop', { id, force: true }).catch(() => undefined);
  await alice.core.close();
  await bob.core.close();
});

async function setUp(): Promise<void> {
  for (const [fixture, user] of [
    [alice, 'alice'],
    [bob, 'bob'],
  ] as const) {
    fixture.trust(gpuB);
    await fixture.call('nodes.add', { bookmark: bookmarkFor(gpuB, 'gpu-b', user, { kind: 'key', keyFile: gpuB.keyFile('alice') }) });
  }
  await bob.call('nodes.update', { name: 'gpu-b', bookmark: bookmarkFor(gpuB, 'gpu-b', 'bob', { kind: 'password' }) });
  await bob.call('nodes.provideSecret', { name: 'gpu-b', kind: 'password', value: gpuB.password('bob') });
}
const ready = setUp();

async function create(extra: Partial<Parameters<typeof alice.call<'sessions.create'>>[1]> = {}): Promise<SessionInfo> {
  await ready;
  const session = await alice.call('sessions.create', {
    node: 'gpu-b',
    image: `docker://${BASE_IMAGE}`,
    pull: 'never',
    command: ['sleep', '600'],
    ...extra,
  });
  started.push(session.id);
  return session;
}

describe('sessions', () => {
  it('runs as the SSH user, by name, in any image', async () => {
    const session = await create();
    expect(session).toMatchObject({ node: 'gpu-b', owner: 'alice', status: 'running', mine: true, gpus: [] });
    expect(session.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect((await runInSession(alice.core, session.id, ['whoami'])).trim()).toBe('alice');
    expect((await runInSession(alice.core, session.id, ['sh', '-c', 'id -u; echo $HOME; pwd'])).trim().split('\n')).toEqual([
      '2001',
      '/home/alice',
      '/home/alice',
    ]);
  });

  it('keeps what is written to ~ for the next session on the node', async () => {
    const first = await create();
    await runInSession(alice.core, first.id, ['sh', '-c', 'echo "kept $0" > ~/berth-note.txt', first.id]);
    await alice.call('sessions.stop', { id: first.id });
    const second = await create();
    expect((await runInSession(alice.core, second.id, ['cat', '/home/alice/berth-note.txt'])).trim()).toBe(`kept ${first.id}`);
    expect((await runInSession(alice.core, second.id, ['stat', '-c', '%U', '/home/alice/berth-note.txt'])).trim()).toBe('alice');
  });

  it('hides the GPUs from a session that asked for none, and gives one that asked its own', async () => {
    const none = await create();
    expect((await runInSession(alice.core, none.id, ['sh', '-c', 'echo $NVIDIA_VISIBLE_DEVICES'])).trim()).toBe('void');
    const one = await create({ gpus: 1 });
    expect(one.gpus).toHaveLength(1);
    expect(gpuB.gpus.map((g) => g.uuid)).toContain(one.gpus[0]);
    // The main process got it from Docker's GPU code path; a terminal opened later gets the same.
    const main = await runInSession(alice.core, one.id, ['sh', '-c', "tr '\\0' '\\n' < /proc/1/environ | grep ^NVIDIA_VISIBLE_DEVICES="]);
    expect(main.trim()).toBe(`NVIDIA_VISIBLE_DEVICES=${one.gpus[0]}`);
    expect((await runInSession(alice.core, one.id, ['sh', '-c', 'echo $NVIDIA_VISIBLE_DEVICES'])).trim()).toBe(one.gpus[0]);
    await alice.call('sessions.stop', { id: one.id });
  });

  it('with --no-wait, fails at once when the GPUs are taken, and leaves nothing', async () => {
    const holder = await create({ gpus: 1 });
    const before = (await gpuB.docker().listContainers({ all: true })).length;
    await expect(
      alice.call('sessions.create', { node: 'gpu-b', image: `docker://${BASE_IMAGE}`, pull: 'never', gpus: 2, wait: false, command: ['sleep', '5'] }),
    ).rejects.toThrow(/gpu-b cannot start this session now \(it needs 2 GPUs: 1 of 2 free, 0 ahead of you\)\. No other bookmarked node/);
    expect((await gpuB.docker().listContainers({ all: true })).length).toBe(before);
    await alice.call('sessions.stop', { id: holder.id });
  });

  it('mounts the node’s Docker socket with the docker group, for docker inside', async () => {
    const session = await create();
    const out = await runInSession(alice.core, session.id, ['sh', '-c', 'test -S /var/run/docker.sock && echo socket; id -G']);
    expect(out).toContain('socket');
    expect(out).toMatch(/\b\d+ \d+\b/);
  });

  it('with pull never and no such image, says so in the seed’s words and creates nothing', async () => {
    await ready;
    const before = (await gpuB.docker().listContainers({ all: true })).length;
    await expect(alice.call('sessions.create', { node: 'gpu-b', image: 'docker://php', pull: 'never' })).rejects.toThrow(/^No such image: php$/);
    expect((await gpuB.docker().listContainers({ all: true })).length).toBe(before);
  });

  it('refuses impossible requests before creating anything', async () => {
    await ready;
    await expect(alice.call('sessions.create', { node: 'gpu-b', image: `docker://${BASE_IMAGE}`, pull: 'never', gpus: 3 })).rejects.toThrow(
      'gpu-b has only 2 GPUs; this session asks for 3.',
    );
    await expect(alice.call('sessions.create', { node: 'gpu-b', gpus: -1 })).rejects.toThrow('cannot be negative');
    await expect(alice.call('sessions.create', { node: 'gpu-b', gpus: 1.5 })).rejects.toThrow('whole number');
    await expect(alice.call('sessions.create', { node: 'nowhere' })).rejects.toThrow('There is no node named "nowhere"');
    await expect(alice.call('sessions.create', { node: 'gpu-b', mounts: [{ source: '/etc', target: '/x' }] })).rejects.toThrow(
      '/etc is not among the host folders',
    );
    await expect(alice.call('sessions.create', { node: 'gpu-b', image: 'beaker://team-image' })).rejects.toThrow('No image library is set');
  });

  it('lists my sessions, everyone’s with --all, and stops another user’s only with force', async () => {
    const mine = await create({ name: 'alice-listed' });
    const bobs = await bob.call('sessions.list', { node: 'gpu-b' });
    expect(bobs.sessions.map((s) => s.id)).not.toContain(mine.id);
    const everyone = await bob.call('sessions.list', { node: 'gpu-b', everyone: true });
    expect(everyone.sessions.find((s) => s.id === mine.id)).toMatchObject({ name: 'alice-listed', owner: 'alice', mine: false });

    await expect(bob.call('sessions.stop', { id: mine.id })).rejects.toThrow('belongs to alice');
    const stopped = await bob.call('sessions.stop', { id: 'alice-listed', force: true });
    expect(stopped).toMatchObject({ id: mine.id, exitCode: 143 });
    expect((await bob.call('sessions.history', {}))[0]?.id).toBe(mine.id);
    await expect(alice.call('sessions.describe', { id: mine.id })).rejects.toThrow('No session');
  });
});
