import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionProgress } from '../app/contract';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { loginShellOf } from '../e2e/testbed/users';
import type { TestUserName } from '../e2e/testbed/users';
import { bedAnonymousRegistry, bedNode } from './support/bed-nodes';
import { bookmarkFor, callContext, coreFixture } from './support/core-fixture';
import type { CoreFixture } from './support/core-fixture';
import { openTerminal, runInSession } from './support/session-io';

// Issue 12: every login shell and rc greeting, on the RHEL-like node (/run/lock 0755 root).
const rhel = bedNode('rhel-a');
const anonymous = bedAnonymousRegistry();
const USERS = ['dave', 'erin', 'frank', 'gina'] as const satisfies readonly TestUserName[];
const fixtures = new Map<TestUserName, CoreFixture>();
const started: string[] = [];

async function fixture(user: TestUserName): Promise<CoreFixture> {
  const known = fixtures.get(user);
  if (known) return known;
  const made = coreFixture();
  fixtures.set(user, made);
  made.trust(rhel);
  // bob's key has a passphrase: he logs in with his password instead.
  const auth = user === 'bob' ? ({ kind: 'password' } as const) : ({ kind: 'key', keyFile: rhel.keyFile(user) } as const);
  await made.call('nodes.add', { bookmark: bookmarkFor(rhel, 'rhel', user, auth) });
  if (user === 'bob') await made.call('nodes.provideSecret', { name: 'rhel', kind: 'password', value: rhel.password('bob') });
  return made;
}

afterAll(async () => {
  const bob = await fixture('bob');
  for (const id of started) await bob.call('sessions.stop', { id, force: true }).catch(() => undefined);
  for (const made of fixtures.values()) await made.core.close();
});

/** Starts a GPU create and resolves its progress as it comes. */
function createWaiting(made: CoreFixture, requestId: string, gpus: number, command: string[]) {
  const seen: SessionProgress[] = [];
  const stop = made.core.events.subscribe((name, payload) => {
    if (name === 'sessions.progress' && (payload as SessionProgress).requestId === requestId) seen.push(payload as SessionProgress);
  });
  const done = made.call('sessions.create', { node: 'rhel', image: `docker://${BASE_IMAGE}`, pull: 'never', gpus, command, requestId }).finally(stop);
  done.catch(() => undefined);
  const waiting = async (ahead: number): Promise<void> => {
    const until = Date.now() + 30_000;
    while (!seen.some((progress) => progress.stage === 'waiting' && progress.ahead === ahead && /GPU/.test(progress.message))) {
      if (Date.now() > until) throw new Error(`no "waiting, ${ahead} ahead" progress; saw ${JSON.stringify(seen)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return { done, waiting };
}

describe('real cluster nodes: every login shell, a RHEL lock folder', () => {
  for (const user of USERS) {
    it(`${user} (${loginShellOf(user)}${user === 'gina' ? ', a .bashrc that prints' : ''}): GPU session queued in FIFO order, attached, forked, stopped`, async () => {
      const me = await fixture(user);
      const bob = await fixture('bob');
      const alice = await fixture('alice');
      const shown = await me.call('nodes.connect', { name: 'rhel' });
      expect(shown.inventory?.gpus.map((gpu) => gpu.uuid)).toEqual(rhel.gpus.map((gpu) => gpu.uuid));
      // /run/lock is root's on this node: the ledger lives in the first fallback every user can write.
      expect(shown.inventory?.ledger?.folders[0]).toBe('/dev/shm/berth');

      const holder = await bob.call('sessions.create', {
        node: 'rhel',
        image: `docker://${BASE_IMAGE}`,
        pull: 'never',
        gpus: 2,
        command: ['sleep', '600'],
      });
      started.push(holder.id);
      const mine = createWaiting(me, `${user}-first`, 1, ['sh']);
      await mine.waiting(0);
      const second = createWaiting(alice, `${user}-second`, 1, ['sleep', '600']);
      await second.waiting(1);
      await bob.call('sessions.stop', { id: holder.id, force: false });

      const [session, after] = await Promise.all([mine.done, second.done]);
      started.push(session.id, after.id);
      expect(session).toMatchObject({ owner: user, status: 'running', mine: true });
      expect(session.gpus).toHaveLength(1);
      expect(after.gpus).toHaveLength(1);
      expect(after.gpus[0]).not.toBe(session.gpus[0]);
      // First come, first served: the request that waited first started first.
      expect(Date.parse(session.startedAt ?? '')).toBeLessThanOrEqual(Date.parse(after.startedAt ?? ''));

      const inventory = (await me.call('nodes.show', { name: 'rhel' })).inventory;
      expect(inventory?.gpus.filter((gpu) => gpu.reservedBy?.owner === user).map((gpu) => gpu.uuid)).toEqual(session.gpus);

      const attach = await openTerminal(me.core, session.id, 'attach');
      await attach.type('echo attached-$((40+2))\n');
      await attach.waitFor('attached-42');
      expect((await runInSession(me.core, session.id, ['id', '-un'])).trim()).toBe(user);
      attach.close();

      await me.call('sessions.stop', { id: session.id, force: false });
      await alice.call('sessions.stop', { id: after.id, force: false });
      expect((await me.call('sessions.list', { everyone: true, node: 'rhel' })).sessions.filter((s) => s.status === 'running')).toEqual([]);
    }, 120_000);

    it(`${user}: git setup, an image build, a push to a registry without a login and a beaker:// session from it`, async () => {
      const me = await fixture(user);
      await me.call('settings.update', { git: { name: `${user} Example`, email: `${user}@example.org` } });
      const status = await me.call('git.setup', { node: 'rhel', hosts: [] });
      expect(status).toMatchObject({ name: `${user} Example`, email: `${user}@example.org` });

      const dir = mkdtempSync(join(tmpdir(), 'berth-real-'));
      writeFileSync(join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN echo built-by-${user} > /marker\n`);
      const built = (await me.core.dispatcher.call(
        'images.build',
        { node: 'rhel', source: { kind: 'path', path: dir }, tag: `real-${user}:1` },
        callContext(),
      )) as {
        state: string;
        error?: string;
      };
      expect(built.error ?? '').toBe('');
      expect(built.state).toBe('done');

      await me.call('library.set', { address: anonymous.address, username: '' });
      const pushed = await me.call('images.push', { node: 'rhel', image: `real-${user}:1`, name: `team/${user}`, description: 'anonymous push' });
      expect(pushed.error ?? '').toBe('');
      expect(pushed.state).toBe('done');
      await rhel.docker().getImage(`${anonymous.address}/team/${user}:latest`).remove({ force: true });
      await rhel.docker().getImage(`real-${user}:1`).remove({ force: true });

      const session = await me.call('sessions.create', { node: 'rhel', image: `beaker://team/${user}`, command: ['sleep', '600'] });
      started.push(session.id);
      expect((await runInSession(me.core, session.id, ['cat', '/marker'])).trim()).toBe(`built-by-${user}`);
      await me.call('sessions.stop', { id: session.id, force: false });
    }, 120_000);
  }
});
