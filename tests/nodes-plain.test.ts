import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bedNode } from './support/bed-nodes';
import { bookmarkFor, coreFixture } from './support/core-fixture';

// plain-a refuses stream-local forwarding and has its host key regenerated: only this file uses it.
const plain = bedNode('plain-a');
const fixture = coreFixture();
afterAll(() => fixture.core.close());

function sshdLog(): string {
  return readFileSync(join(plain.dir, 'sshd.log'), 'utf8');
}

describe('a node that refuses socket forwarding, and whose host key changes', () => {
  it('reaches Docker through `docker system dial-stdio` and says so', async () => {
    fixture.trust(plain);
    await fixture.call('nodes.add', { bookmark: bookmarkFor(plain, 'plain', 'alice', { kind: 'password' }) });
    const node = await fixture.call('nodes.provideSecret', { name: 'plain', kind: 'password', value: plain.password('alice') });
    expect(node.status).toMatchObject({ state: 'connected', dockerVia: 'dial-stdio' });
    expect(node.inventory?.gpus).toEqual([]);
    const docker = await fixture.core.nodes.docker('plain');
    expect((await docker.listImages()).some((image) => image.RepoTags?.includes('berth-test/busybox:latest'))).toBe(true);
  });

  it('comes back by itself when the connection drops, saying so meanwhile', async () => {
    const states: string[] = [];
    fixture.core.nodes.on('changed', (node) => {
      if (node.name === 'plain') states.push(node.status.state);
    });
    expect(plain.cutConnections(process.pid)).toBe(1);
    for (let i = 0; i < 100 && states.at(-1) !== 'connected'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(states).toContain('reconnecting');
    expect(states.at(-1)).toBe('connected');
    const docker = await fixture.core.nodes.docker('plain');
    await expect(docker.ping()).resolves.toBeTruthy();
  });

  it('notices when the node’s Docker daemon goes, though SSH stays up', async () => {
    const states: string[] = [];
    fixture.core.nodes.on('changed', (node) => {
      if (node.name === 'plain') states.push(node.status.state);
    });
    const dockerd = Number(readFileSync(join(plain.dir, 'dockerd.pid'), 'utf8').trim());
    // This leaves plain-a without Docker: the tests after this one in this file need only its sshd.
    process.kill(dockerd, 'SIGKILL');
    for (let i = 0; i < 100 && !states.includes('docker-unavailable'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(states[0]).toBe('reconnecting');
    expect(states).toContain('docker-unavailable');
    const node = (await fixture.call('nodes.list', {})).nodes.find((n) => n.name === 'plain');
    expect(node?.status.state).not.toBe('connected');
  });

  it('refuses a changed host key, shows both fingerprints, and sends no credentials', async () => {
    const oldFingerprint = plain.hostKeyFingerprint();
    await plain.regenerateHostKey();
    const newFingerprint = plain.hostKeyFingerprint();
    expect(newFingerprint).not.toBe(oldFingerprint);

    const fresh = coreFixture();
    try {
      fresh.trust({ ...plain, dir: plain.dir, hostKeyFingerprint: () => oldFingerprint });
      // The line trusted above is the new key (it was read from disk); put the old one in place instead.
      const { writeFileSync } = await import('node:fs');
      writeFileSync(fresh.knownHosts, readFileSync(fixture.knownHosts));
      await fresh.call('nodes.add', { bookmark: bookmarkFor(plain, 'plain', 'alice', { kind: 'password' }) });
      await fresh.core.nodes.provideSecret('plain', 'password', plain.password('alice'), false).catch(() => undefined);

      const attemptsBefore = (sshdLog().match(/(Accepted|Failed) password for alice/g) ?? []).length;
      const node = await fresh.call('nodes.connect', { name: 'plain' });
      expect(node.status.state).toBe('host-key-changed');
      expect(node.status.hostKey).toEqual({ type: 'ssh-ed25519', fingerprint: newFingerprint, expected: [oldFingerprint] });
      expect(node.status.message).toContain(`It is now ssh-ed25519 ${newFingerprint}; Berth knew ${oldFingerprint}`);
      expect((sshdLog().match(/(Accepted|Failed) password for alice/g) ?? []).length).toBe(attemptsBefore);

      // And there is no way around it through the API.
      await expect(fresh.call('nodes.trustHostKey', { name: 'plain', fingerprint: newFingerprint, remember: true })).rejects.toThrow(
        'not waiting for a host key decision',
      );
    } finally {
      await fresh.core.close();
    }
  });
});
