import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bedNode } from './support/bed-nodes';
import { bookmarkFor, coreFixture } from './support/core-fixture';
import type { CoreFixture } from './support/core-fixture';

// Real sshd and dockerd on the test bed: every way in, and every way of being turned away.
const gpuA = bedNode('gpu-a');
const gpuB = bedNode('gpu-b');
const fixtures: CoreFixture[] = [];
function fresh(): CoreFixture {
  const fixture = coreFixture();
  fixtures.push(fixture);
  return fixture;
}
afterAll(() => Promise.all(fixtures.map((f) => f.core.close())));

describe('connecting to a node', () => {
  it('reports an unknown host key with its SHA256 fingerprint, and connects once it is trusted', async () => {
    const { call, configDir } = fresh();
    await call('nodes.add', { bookmark: bookmarkFor(gpuA, 'a', 'alice', { kind: 'key', keyFile: gpuA.keyFile('alice') }) });
    const first = await call('nodes.connect', { name: 'a' });
    expect(first.status.state).toBe('host-key-unknown');
    expect(first.status.hostKey).toEqual({ type: 'ssh-ed25519', fingerprint: gpuA.hostKeyFingerprint() });
    expect(first.status.message).toContain(gpuA.hostKeyFingerprint());

    const trusted = await call('nodes.trustHostKey', { name: 'a', fingerprint: gpuA.hostKeyFingerprint(), remember: true });
    expect(trusted.status).toMatchObject({ state: 'connected', dockerVia: 'streamlocal' });
    expect(trusted.inventory?.gpus.map((g) => g.uuid)).toEqual(gpuA.gpus.map((g) => g.uuid));
    expect(trusted.inventory?.nvidiaHook).toBe(true);
    expect(readFileSync(join(configDir, 'known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${gpuA.port} ssh-ed25519 `);
  });

  it('refuses to trust a fingerprint other than the one presented', async () => {
    const { call } = fresh();
    await call('nodes.add', { bookmark: bookmarkFor(gpuA, 'a', 'alice', { kind: 'key', keyFile: gpuA.keyFile('alice') }) });
    await call('nodes.connect', { name: 'a' });
    await expect(call('nodes.trustHostKey', { name: 'a', fingerprint: `SHA256:${'A'.repeat(43)}`, remember: false })).rejects.toThrow(
      'Nothing was trusted',
    );
  });

  it('connects with a passphrase-protected key once the passphrase is given, and asks again after a wrong one', async () => {
    const { call, trust } = fresh();
    trust(gpuA);
    await call('nodes.add', { bookmark: bookmarkFor(gpuA, 'b', 'bob', { kind: 'key', keyFile: gpuA.keyFile('bob') }) });
    expect((await call('nodes.connect', { name: 'b' })).status).toMatchObject({ state: 'needs-secret', secret: 'passphrase' });
    const wrong = await call('nodes.provideSecret', { name: 'b', kind: 'passphrase', value: 'not it' });
    expect(wrong.status).toMatchObject({ state: 'needs-secret', secret: 'passphrase' });
    expect(wrong.status.message).toContain('does not open');
    const right = await call('nodes.provideSecret', { name: 'b', kind: 'passphrase', value: gpuA.keyPassphrase('bob') ?? '' });
    expect(right.status.state).toBe('connected');
  });

  it('connects with a password, and says plainly when it is wrong', async () => {
    const { call, trust } = fresh();
    trust(gpuA);
    await call('nodes.add', { bookmark: bookmarkFor(gpuA, 'p', 'alice', { kind: 'password' }) });
    expect((await call('nodes.connect', { name: 'p' })).status).toMatchObject({ state: 'needs-secret', secret: 'password' });
    const wrong = await call('nodes.provideSecret', { name: 'p', kind: 'password', value: 'wrong password' });
    expect(wrong.status.state).toBe('needs-secret');
    expect(wrong.status.message).toBe(`The password for alice@127.0.0.1 was not accepted. Enter it again.`);
    const right = await call('nodes.provideSecret', { name: 'p', kind: 'password', value: gpuA.password('alice') });
    expect(right.status.state).toBe('connected');
  });

  it('connects with keyboard-interactive', async () => {
    const { call, trust } = fresh();
    trust(gpuB);
    await call('nodes.add', { bookmark: bookmarkFor(gpuB, 'k', 'alice', { kind: 'keyboard-interactive' }) });
    const node = await call('nodes.provideSecret', { name: 'k', kind: 'password', value: gpuB.password('alice') });
    expect(node.status.state).toBe('connected');
  });

  it('connects with ssh-agent', async () => {
    const agentDir = mkdtempSync(join(tmpdir(), 'berth-agent-'));
    const socket = join(agentDir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    try {
      for (let i = 0; i < 50 && !existsSocket(socket); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      execFileSync('ssh-add', [gpuB.keyFile('alice')], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      const previous = process.env.SSH_AUTH_SOCK;
      process.env.SSH_AUTH_SOCK = socket;
      try {
        const { call, trust } = fresh();
        trust(gpuB);
        await call('nodes.add', { bookmark: bookmarkFor(gpuB, 'ag', 'alice', { kind: 'agent' }) });
        expect((await call('nodes.connect', { name: 'ag' })).status.state).toBe('connected');
      } finally {
        if (previous === undefined) delete process.env.SSH_AUTH_SOCK;
        else process.env.SSH_AUTH_SOCK = previous;
      }
    } finally {
      agent.kill();
    }
  });

  it('connects through a jump host', async () => {
    const { call, trust } = fresh();
    trust(gpuA);
    trust(gpuB);
    await call('nodes.add', { bookmark: bookmarkFor(gpuA, 'bastion', 'alice', { kind: 'key', keyFile: gpuA.keyFile('alice') }) });
    await call('nodes.add', { bookmark: bookmarkFor(gpuB, 'inner', 'alice', { kind: 'key', keyFile: gpuB.keyFile('alice') }, { jump: 'bastion' }) });
    const inner = await call('nodes.show', { name: 'inner' });
    expect(inner.status.state).toBe('connected');
    expect(inner.inventory?.gpus).toHaveLength(2);
    const sshdLog = readFileSync(join(gpuB.dir, 'sshd.log'), 'utf8');
    expect(sshdLog).toMatch(/Accepted publickey for alice from 127\.0\.0\.1/);
  });

  it('says plainly when nothing listens at the port', async () => {
    const { call, trust } = fresh();
    trust(gpuA);
    await call('nodes.add', { bookmark: bookmarkFor({ ...gpuA, port: 1 }, 'closed', 'alice', { kind: 'key', keyFile: gpuA.keyFile('alice') }) });
    const node = await call('nodes.connect', { name: 'closed' });
    expect(node.status).toEqual({
      state: 'unreachable',
      message: 'Nothing accepts SSH connections at 127.0.0.1:1 (connection refused). Check the host and port, and that sshd runs on the node.',
    });
    await expect(call('nodes.show', { name: 'closed' })).rejects.toThrow('connection refused');
  });

  it('gives up within the timeout on a host that accepts TCP but never speaks SSH', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const { call } = fresh();
      await call('nodes.add', { bookmark: bookmarkFor({ ...gpuA, port }, 'void', 'alice', { kind: 'key', keyFile: gpuA.keyFile('alice') }) });
      const node = await call('nodes.connect', { name: 'void' });
      expect(node.status).toEqual({
        state: 'unreachable',
        message: `127.0.0.1:${port} did not answer within 5 s. Check the address, the VPN, and that the node is up.`,
      });
    } finally {
      silent.close();
    }
  });

  it('tells a user outside the docker group what to ask for', async () => {
    const { call, trust } = fresh();
    trust(gpuA);
    await call('nodes.add', { bookmark: bookmarkFor(gpuA, 'c', 'carol', { kind: 'key', keyFile: gpuA.keyFile('carol') }) });
    const node = await call('nodes.connect', { name: 'c' });
    expect(node.status).toEqual({
      state: 'docker-unavailable',
      message:
        'Permission denied on /var/run/docker.sock on c: carol is not in the docker group that owns it. Ask an administrator to run `sudo usermod -aG docker carol`, then reconnect.',
    });
  });

  it('says when the Docker socket is missing', async () => {
    const { call, trust } = fresh();
    trust(gpuA);
    await call('nodes.add', {
      bookmark: bookmarkFor(gpuA, 'm', 'alice', { kind: 'key', keyFile: gpuA.keyFile('alice') }, { dockerSocket: '/run/user/2001/docker.sock' }),
    });
    const node = await call('nodes.connect', { name: 'm' });
    expect(node.status.state).toBe('docker-unavailable');
    expect(node.status.message).toContain('There is no Docker socket at /run/user/2001/docker.sock on m');
  });

  it('runs 50 Docker API calls over one SSH connection', async () => {
    const { call, core, trust } = fresh();
    trust(gpuB);
    const accepted = (): number => (readFileSync(join(gpuB.dir, 'sshd.log'), 'utf8').match(/Accepted password for bob /g) ?? []).length;
    const before = accepted();
    await call('nodes.add', { bookmark: bookmarkFor(gpuB, 'bob-b', 'bob', { kind: 'password' }) });
    await call('nodes.provideSecret', { name: 'bob-b', kind: 'password', value: gpuB.password('bob') });
    const docker = await core.nodes.docker('bob-b');
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? docker.ping() : docker.listImages())));
    expect(answers).toHaveLength(50);
    expect(accepted() - before).toBe(1);
  });
});

function existsSocket(path: string): boolean {
  try {
    readFileSync(path);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
