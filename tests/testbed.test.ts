import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from './support/bed-nodes';

// The test bed is itself tested: every later test trusts what it promises.
function ssh(
  node: ReturnType<typeof bedNode>,
  user: 'alice' | 'carol',
  ...command: string[]
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('ssh', [...node.sshArgs(user), ...command], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('test bed', () => {
  it('gives each node its own users, with homes, over real sshd', () => {
    const node = bedNode('gpu-a');
    const result = ssh(node, 'alice', 'id -un; echo $HOME; id -Gn');
    expect(result.stderr).not.toContain('Permission denied');
    const [name, home, groups] = result.stdout.trim().split('\n');
    expect(name).toBe('alice');
    expect(home).toBe('/home/alice');
    expect(groups).toContain('docker');
    expect(ssh(node, 'carol', 'id -Gn').stdout).not.toContain('docker');
  });

  it('puts the stand-in nvidia-smi on the SSH users’ PATH of GPU nodes only', () => {
    const csv = ssh(
      bedNode('gpu-a'),
      'alice',
      'nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits',
    );
    expect(csv.stdout.trim().split('\n')).toHaveLength(4);
    expect(csv.stdout).toContain(bedNode('gpu-a').gpus[3]?.uuid);
    expect(execFileSync('sh', ['-c', 'command -v nvidia-smi || echo none'], { encoding: 'utf8' }).trim()).toBe('none');
  });

  it('gives a node its own Docker socket, which refuses users outside the docker group', () => {
    expect(ssh(bedNode('gpu-b'), 'alice', 'test -w /var/run/docker.sock && echo writable').stdout.trim()).toBe('writable');
    expect(ssh(bedNode('gpu-b'), 'carol', 'test -w /var/run/docker.sock || echo refused').stdout.trim()).toBe('refused');
  });

  it('gives containers a network of their own node, on its bridge', async () => {
    const docker = bedNode('gpu-b').docker();
    const container = await docker.createContainer({ Image: BASE_IMAGE, Cmd: ['sleep', '30'] });
    try {
      await container.start();
      const info = await container.inspect();
      expect(info.NetworkSettings.Networks.bridge?.IPAddress).toMatch(/^172\.31\.\d+\.\d+$/);
    } finally {
      await container.remove({ force: true });
    }
  });

  it('runs Docker’s own GPU code path: a GPU request sets NVIDIA_VISIBLE_DEVICES', async () => {
    const node = bedNode('gpu-a');
    const docker = node.docker();
    const uuid = node.gpus[1]?.uuid ?? 'missing';
    const container = await docker.createContainer({
      Image: BASE_IMAGE,
      Cmd: ['sh', '-c', 'echo $NVIDIA_VISIBLE_DEVICES'],
      HostConfig: { NetworkMode: 'none', DeviceRequests: [{ Driver: '', Count: 0, DeviceIDs: [uuid], Capabilities: [['gpu']], Options: {} }] },
    });
    try {
      await container.start();
      await container.wait();
      const logs = (await container.logs({ stdout: true })).toString('utf8');
      expect(logs).toContain(uuid);
    } finally {
      await container.remove({ force: true });
    }
  });
});
