import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from './support/bed-nodes';
import { bookmarkFor, coreFixture } from './support/core-fixture';
import { runInSession } from './support/session-io';

// Git setup on gpu-a as alice: files written over SFTP into the home every session mounts.
// (Not plain-a: a test there stops its Docker daemon for a while.)
const node = bedNode('gpu-a');
const alice = coreFixture();
const home = join(node.dir, 'home', 'alice');
const sessions: string[] = [];
const ALICE_UID = 2001;
afterAll(async () => {
  for (const id of sessions) await alice.call('sessions.stop', { id, force: true }).catch(() => undefined);
  rmSync(join(home, '.gitconfig'), { force: true });
  rmSync(join(home, '.git-credentials'), { force: true });
  await alice.core.close();
});

const ready = (async () => {
  alice.trust(node);
  await alice.call('nodes.add', { bookmark: bookmarkFor(node, 'plain', 'alice', { kind: 'key', keyFile: node.keyFile('alice') }) });
})();

describe('git setup on a node', () => {
  it('writes name, email, helper and a 0600 credentials file that sessions see, keeping what was there, values verbatim', async () => {
    await ready;
    writeFileSync(join(home, '.gitconfig'), '[core]\n\teditor = vi\n');
    chownSync(join(home, '.gitconfig'), ALICE_UID, ALICE_UID);
    const name = 'Alice $(touch /tmp/berth-git-x)';
    const token = 'tok$(touch /tmp/berth-git-x)`id`\nsecond line';
    await alice.call('settings.update', { git: { name, email: 'alice@example.org' } });
    await alice.call('git.setToken', { host: 'github.com', token });
    const status = await alice.call('git.setup', { node: 'plain', hosts: [] });
    expect(status).toEqual({ name, email: 'alice@example.org', helper: true, hosts: ['github.com'] });

    const session = await alice.call('sessions.create', { node: 'plain', image: `docker://${BASE_IMAGE}`, pull: 'never', command: ['sleep', '600'] });
    sessions.push(session.id);
    const config = await runInSession(alice.core, session.id, ['cat', `${'/home/alice'}/.gitconfig`]);
    expect(config).toBe(`[core]\n\teditor = vi\n[user]\n\tname = ${name}\n\temail = alice@example.org\n[credential]\n\thelper = store\n`);
    expect((await runInSession(alice.core, session.id, ['stat', '-c', '%a %U %G', '/home/alice/.git-credentials'])).trim()).toBe('600 alice alice');
    const stored = (await runInSession(alice.core, session.id, ['cat', '/home/alice/.git-credentials'])).trim();
    const url = new URL(stored);
    expect([url.host, url.username, decodeURIComponent(url.password)]).toEqual(['github.com', 'x-access-token', token]);
    expect(existsSync('/tmp/berth-git-x')).toBe(false);
    expect(await runInSession(alice.core, session.id, ['sh', '-c', 'ls /tmp/berth-git-x 2>/dev/null; echo done'])).toBe('done\n');

    // Again: nothing changes.
    const before = [readFileSync(join(home, '.gitconfig'), 'utf8'), readFileSync(join(home, '.git-credentials'), 'utf8')];
    await alice.call('git.setup', { node: 'plain', hosts: [] });
    expect([readFileSync(join(home, '.gitconfig'), 'utf8'), readFileSync(join(home, '.git-credentials'), 'utf8')]).toEqual(before);
  });

  it('removes the credentials and the helper, keeping the rest', async () => {
    await ready;
    const status = await alice.call('git.remove', { node: 'plain' });
    expect(status).toMatchObject({ helper: false, hosts: [], email: 'alice@example.org' });
    expect(existsSync(join(home, '.git-credentials'))).toBe(false);
    expect(readFileSync(join(home, '.gitconfig'), 'utf8')).toContain('editor = vi');
  });

  it('keeps the mode of an existing ~/.gitconfig: a 0600 file stays 0600 through setup and removal', async () => {
    await ready;
    writeFileSync(join(home, '.gitconfig'), '[core]\n\teditor = vi\n');
    chownSync(join(home, '.gitconfig'), ALICE_UID, ALICE_UID);
    chmodSync(join(home, '.gitconfig'), 0o600);
    await alice.call('settings.update', { git: { name: 'Alice Private', email: 'alice@example.org' } });
    await alice.call('git.setToken', { host: 'github.com', token: 'tok' });
    await alice.call('git.setup', { node: 'plain', hosts: [] });
    expect(readFileSync(join(home, '.gitconfig'), 'utf8')).toContain('name = Alice Private');
    expect(statSync(join(home, '.gitconfig')).mode & 0o777).toBe(0o600);
    await alice.call('git.remove', { node: 'plain' });
    expect(readFileSync(join(home, '.gitconfig'), 'utf8')).not.toContain('helper');
    expect(statSync(join(home, '.gitconfig')).mode & 0o777).toBe(0o600);
  });

  it('refuses a host that is not a host, and setup without a token for the named host', async () => {
    await ready;
    await expect(alice.call('git.setToken', { host: 'github.com/evil; rm -rf', token: 'x' })).rejects.toThrow(/give a host name such as github.com/);
    await expect(alice.call('git.setup', { node: 'plain', hosts: ['gitlab.com'] })).rejects.toThrow(/There is no token for gitlab.com/);
    expect(execFileSync('sh', ['-c', 'ls /tmp/berth-git-x 2>/dev/null || true']).toString()).toBe('');
  });
});
