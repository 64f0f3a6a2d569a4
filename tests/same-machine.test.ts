import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from './support/bed-nodes';
import { cliUser } from './support/cli-user';
import { bookmarkFor, coreFixture } from './support/core-fixture';

// Issue 14, first item: one machine under two bookmarks (an import of ~/.ssh/config beside a bookmark of one's own).
const node = bedNode('gpu-b');
const alice = coreFixture();
const started: string[] = [];
afterAll(async () => {
  for (const id of started) await alice.call('sessions.stop', { id, force: true }).catch(() => undefined);
  await alice.core.close();
});

describe('one machine, two bookmarks', () => {
  it('lists each session once, finds and stops it by its ID, and says the bookmarks are the same machine', async () => {
    alice.trust(node);
    const auth = { kind: 'key', keyFile: node.keyFile('alice') } as const;
    await alice.call('nodes.add', { bookmark: bookmarkFor(node, 'a', 'alice', auth) });
    await alice.call('nodes.add', { bookmark: bookmarkFor(node, 'gpu-a', 'alice', auth) });
    // Another node of the bed: its Docker daemon has the same ID (the bed's dockerds share /etc/docker/key.json,
    // as nodes cloned from one image do), but its host key differs: another machine.
    const other = bedNode('rhel-a');
    alice.trust(other);
    await alice.call('nodes.add', { bookmark: bookmarkFor(other, 'other', 'alice', { kind: 'key', keyFile: other.keyFile('alice') }) });
    await alice.call('nodes.connect', { name: 'a' });
    expect((await alice.call('nodes.connect', { name: 'other' })).sameMachineAs).toBeUndefined();
    expect((await alice.call('nodes.connect', { name: 'gpu-a' })).sameMachineAs).toEqual(['a']);
    expect((await alice.call('nodes.show', { name: 'a' })).sameMachineAs).toEqual(['gpu-a']);

    // Made through the second bookmark: still one session, listed under the first.
    const session = await alice.call('sessions.create', { node: 'gpu-a', image: `docker://${BASE_IMAGE}`, pull: 'never', command: ['sleep', '600'] });
    started.push(session.id);
    const mine = (await alice.call('sessions.list', { everyone: false })).sessions.filter((s) => s.id === session.id);
    expect(mine.map((s) => s.node)).toEqual(['a']);
    expect((await alice.call('sessions.describe', { id: session.id })).id).toBe(session.id);
    expect((await alice.call('sessions.describe', { id: session.id.slice(0, 10) })).id).toBe(session.id);
    const stopped = await alice.call('sessions.stop', { id: session.id, force: false });
    expect(stopped.id).toBe(session.id);
    expect((await alice.call('sessions.list', { everyone: true })).sessions.some((s) => s.id === session.id)).toBe(false);
  });

  it('import-ssh-config skips a host that is the same machine as a bookmark, and says so', () => {
    const bob = cliUser('same-machine');
    expect(bob.berth(...node.berthAddArgs('a', 'bob').filter((arg) => arg !== '--accept-new-host-key'))).toMatchObject({ status: 0 });
    const config = join(bob.home, 'ssh_config');
    writeFileSync(config, `Host gpu-a\n  HostName 127.0.0.1\n  Port ${node.port}\n  User bob\n\nHost elsewhere\n  HostName 127.0.0.2\n  User bob\n`);
    const run = bob.berth('node', 'import-ssh-config', '--file', config);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`skipped gpu-a: the same machine as a (127.0.0.1:${node.port}); --keep-duplicates adds it anyway`);
    expect(run.stdout).toMatch(/added +elsewhere/);
    expect(bob.berth('node', 'list').stdout).not.toMatch(/gpu-a/);
  });
});
