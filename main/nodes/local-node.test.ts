import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createCore } from '../core/create-core';
import { localDockerSocket } from './local-docker';
import { listLocalNode } from './local-node';

const ctx = { signal: new AbortController().signal, openStream: () => ({ stream: 'unused' }) };

describe('nodes.list on the test bed', () => {
  it('lists "This computer" with the inventory of the real local daemon', async () => {
    const core = createCore({ mode: 'browser', env: { DOCKER_HOST: `unix://${inject('localDockerSocket')}`, BERTH_HOME: '/tmp/unused' } });
    const list = (await core.dispatcher.call('nodes.list', {}, ctx)) as Awaited<ReturnType<typeof listLocalNode>>;
    await core.close();
    expect(list.localDocker).toEqual({ socket: inject('localDockerSocket'), reachable: true });
    expect(list.nodes).toHaveLength(1);
    const [node] = list.nodes;
    expect(node).toMatchObject({ id: 'local', name: 'This computer', kind: 'local', status: { state: 'connected', dockerVia: 'socket' } });
    expect(node?.inventory?.dockerVersion).toMatch(/^\d+\.\d+/);
    expect(node?.inventory?.cpus).toBeGreaterThan(0);
    expect(node?.inventory?.memoryBytes).toBeGreaterThan(0);
  });

  it('says plainly why there is no local node when no daemon listens', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'berth-')), 'docker.sock');
    const list = await listLocalNode(missing);
    expect(list.nodes).toEqual([]);
    expect(list.localDocker.reachable).toBe(false);
    expect(list.localDocker.problem).toBe(`No Docker daemon is listening at ${missing}. Start Docker, or set DOCKER_HOST to its socket.`);
  });
});

describe('localDockerSocket', () => {
  it('follows DOCKER_HOST like the docker CLI, else the platform default', () => {
    expect(localDockerSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, 'linux')).toBe('/run/user/1000/docker.sock');
    expect(localDockerSocket({}, 'linux')).toBe('/var/run/docker.sock');
    expect(localDockerSocket({ DOCKER_HOST: 'tcp://10.0.0.1:2375' }, 'darwin')).toBe('/var/run/docker.sock');
    expect(localDockerSocket({}, 'win32')).toBe('\\\\.\\pipe\\docker_engine');
  });
});
