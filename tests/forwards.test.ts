import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from './support/bed-nodes';
import { bookmarkFor, coreFixture } from './support/core-fixture';

// Port forwards from sessions on gpu-b to this computer's 127.0.0.1, over the node's SSH connection.
const node = bedNode('gpu-b');
const alice = coreFixture();
const sessions: string[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) server.close();
  for (const id of sessions) await alice.call('sessions.stop', { id, force: true }).catch(() => undefined);
  await alice.core.close();
});

const ready = (async () => {
  alice.trust(node);
  await alice.call('nodes.add', { bookmark: bookmarkFor(node, 'b', 'alice', { kind: 'key', keyFile: node.keyFile('alice') }) });
})();

/** Two busybox web servers in one session: 8080 declared (published on the node's loopback), 8081 not. */
async function webSession(): Promise<string> {
  await ready;
  const script = [
    // The test image is FROM scratch (no /tmp): the pages live in the home, which is the user's.
    'd=$(mktemp -d -p "$HOME")',
    'mkdir "$d/a" "$d/b"',
    'echo declared-port > "$d/a/index.html"',
    'echo container-address > "$d/b/index.html"',
    'httpd -p 8081 -h "$d/b"',
    'exec httpd -f -p 8080 -h "$d/a"',
  ].join(' && ');
  const session = await alice.call('sessions.create', {
    node: 'b',
    image: `docker://${BASE_IMAGE}`,
    pull: 'never',
    ports: [8080],
    command: ['sh', '-c', script],
  });
  sessions.push(session.id);
  return session.id;
}

async function get(url: string, within = 20_000): Promise<string> {
  const deadline = Date.now() + within;
  for (;;) {
    try {
      return await (await fetch(url, { signal: AbortSignal.timeout(3000) })).text();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

describe('port forwarding', () => {
  it('forwards a declared port as the session starts, never publishing it beyond the node’s loopback', async () => {
    const id = await webSession();
    const { forwards } = await alice.call('forwards.list', {});
    const forward = forwards.find((f) => f.session === id && f.port === 8080);
    expect(forward?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect((await get(forward?.url ?? '')).trim()).toBe('declared-port');
    const container = (await node.docker().listContainers({ filters: { label: [`berth.session=${id}`] } }))[0];
    expect(container?.Ports.filter((p) => p.PublicPort).map((p) => p.IP)).toEqual(['127.0.0.1']);
  });

  it('forwards any other port to the container’s address, and comes back after the SSH connection is cut', async () => {
    const id = sessions[0] ?? (await webSession());
    const forward = await alice.call('forwards.open', { session: id, port: 8081 });
    expect((await get(forward.url)).trim()).toBe('container-address');
    expect(node.cutConnections(process.pid)).toBeGreaterThan(0);
    expect((await get(forward.url, 40_000)).trim()).toBe('container-address');
  });

  it('takes the next free local port when the one asked for is in use, and says so', async () => {
    const id = sessions[0] ?? (await webSession());
    const busy = createServer();
    servers.push(busy);
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const taken = (busy.address() as { port: number }).port;
    const forward = await alice.call('forwards.open', { session: id, port: 8080, localPort: taken });
    expect(forward.localPort).toBeGreaterThan(taken);
    expect(forward.note).toBe(`Local port ${taken} is in use, so ${forward.sessionName}:8080 is at ${forward.localPort}.`);
    expect((await get(forward.url)).trim()).toBe('declared-port');
    await alice.call('forwards.close', { id: forward.id });
    await expect(fetch(forward.url)).rejects.toThrow();
  });

  it('refuses a port out of range, and a session that ended', async () => {
    const id = sessions[0] ?? (await webSession());
    await expect(alice.call('forwards.open', { session: id, port: 70000 })).rejects.toThrow(/a port is a whole number from 1 to 65535/);
    await alice.call('sessions.stop', { id, force: true });
    await expect(alice.call('forwards.open', { session: id, port: 8080 })).rejects.toThrow(
      /^The session .* ended \(exit code \d+\) at .*: there is nothing to forward to\.$/,
    );
    expect((await alice.call('forwards.list', {})).forwards.filter((f) => f.session === id)).toEqual([]);
  });
});

describe('port forwarding in the app', () => {
  it('forwards my running sessions’ declared ports when the node connects, as after a restart', async () => {
    const id = await webSession();
    const app = coreFixture({ mode: 'browser' });
    try {
      app.trust(node);
      await app.call('nodes.add', { bookmark: bookmarkFor(node, 'b', 'alice', { kind: 'key', keyFile: node.keyFile('alice') }) });
      await app.call('nodes.connect', { name: 'b' });
      let forward: { url: string } | undefined;
      const deadline = Date.now() + 20_000;
      while (!forward && Date.now() < deadline) {
        forward = (await app.call('forwards.list', {})).forwards.find((f) => f.session === id && f.port === 8080);
        if (!forward) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect((await get(forward?.url ?? 'http://127.0.0.1:1/')).trim()).toBe('declared-port');
    } finally {
      await app.core.close();
    }
  });
});
