import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import type { TestNode } from '../e2e/testbed/test-node';
import type { TestUserName } from '../e2e/testbed/users';
import { bedAnonymousRegistry, bedNode, bedRegistry } from './support/bed-nodes';

// The test bed is itself tested: every later test trusts what it promises.
function ssh(node: TestNode, user: TestUserName, ...command: string[]): { status: number | null; stdout: string; stderr: string } {
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

describe('test bed: nodes the way real clusters come', () => {
  // Each shell sets a variable of its own, which the others leave unset (fish has no $0).
  const shells: { user: TestUserName; shell: string; probe: string }[] = [
    { user: 'dave', shell: '/usr/bin/fish', probe: 'echo "fish $FISH_VERSION"' },
    { user: 'erin', shell: '/usr/bin/tcsh', probe: 'echo "tcsh $tcsh"' },
    { user: 'frank', shell: '/usr/bin/zsh', probe: 'echo "zsh $ZSH_VERSION"' },
    { user: 'gina', shell: '/bin/bash', probe: 'echo "bash $BASH_VERSION"' },
  ];

  it.each(shells)('logs $user in with $shell, whose rc files greet even `ssh $user@node true`', ({ user, shell, probe }) => {
    const node = bedNode('gpu-a');
    expect(node.loginShell(user)).toBe(shell);
    const entry = ssh(node, 'alice', 'getent', 'passwd', user);
    expect(entry.stdout.trim().split(':')[6]).toBe(shell);

    const greeted = ssh(node, user, 'true');
    expect(greeted.status).toBe(0);
    expect(node.greetings(user).length).toBeGreaterThan(0);
    for (const line of node.greetings(user)) expect(greeted.stdout).toContain(line);

    const probed = ssh(node, user, probe);
    const last = probed.stdout.trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(new RegExp(`^${shell.split('/').at(-1)} \\d`));
    // The stand-in tools are on the PATH whatever the shell, and the user may use Docker.
    const csv = ssh(node, user, 'nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits');
    expect(csv.stdout).toContain(node.gpus[3]?.uuid);
    expect(ssh(node, user, 'id -Gn').stdout).toContain('docker');
  });

  it('keeps the first users quiet: alice’s logins print nothing but the command’s output', () => {
    expect(ssh(bedNode('gpu-a'), 'alice', 'true').stdout).toBe('');
  });

  it('makes rhel-a a Rocky Linux node whose /run/lock only root may create in, while /dev/shm and /var/tmp are open', () => {
    const rhel = bedNode('rhel-a');
    const facts = ssh(rhel, 'alice', 'stat -c "%a %U" /run/lock /dev/shm /var/tmp; grep ^ID= /etc/os-release /usr/lib/os-release');
    expect(facts.stdout.trim().split('\n')).toEqual([
      '755 root',
      '1777 root',
      '1777 root',
      '/etc/os-release:ID="rocky"',
      '/usr/lib/os-release:ID="rocky"',
    ]);
    const made = ssh(
      rhel,
      'alice',
      'mkdir /run/lock/berth-probe; mkdir /dev/shm/berth-probe && mkdir /var/tmp/berth-probe && echo made && rmdir /dev/shm/berth-probe /var/tmp/berth-probe',
    );
    expect(made.stderr).toContain("cannot create directory '/run/lock/berth-probe'");
    expect(made.stdout.trim()).toBe('made');

    const debian = ssh(bedNode('gpu-a'), 'alice', 'stat -c "%a %U" /run/lock; grep ^ID= /etc/os-release');
    expect(debian.stdout.trim().split('\n')).toEqual(['1777 root', 'ID=debian']);
    expect(rhel.os).toBe('rocky');
  });

  it('gives each node a /dev/shm of its own', () => {
    const name = `berth-probe-${process.pid}`;
    ssh(bedNode('gpu-a'), 'alice', 'touch', `/dev/shm/${name}`);
    try {
      expect(ssh(bedNode('rhel-a'), 'alice', 'ls', `/dev/shm/${name}`).status).not.toBe(0);
      expect(ssh(bedNode('gpu-a'), 'alice', 'ls', `/dev/shm/${name}`).status).toBe(0);
    } finally {
      ssh(bedNode('gpu-a'), 'alice', 'rm', '-f', `/dev/shm/${name}`);
    }
  });

  it('makes tight-a’s sshd refuse a fifth session channel on one connection, where other nodes allow it', async () => {
    expect(await sessionChannelsOpened(bedNode('tight-a'), 5)).toEqual({ opened: 4, refusal: expect.stringMatching(/open failure/i) as string });
    expect(await sessionChannelsOpened(bedNode('gpu-b'), 5)).toEqual({ opened: 5, refusal: undefined });
  });

  it('leaves nohook-a without the NVIDIA container hook, so its Docker refuses GPU requests, but with nvidia-smi', async () => {
    const node = bedNode('nohook-a');
    const hook = ssh(node, 'alice', 'command -v nvidia-container-runtime-hook || echo none');
    expect(hook.stdout.trim()).toBe('none');
    expect(ssh(bedNode('gpu-a'), 'alice', 'command -v nvidia-container-runtime-hook').stdout).toContain('nvidia-container-runtime-hook');
    const csv = ssh(node, 'alice', 'nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits');
    expect(csv.stdout.trim().split('\n')).toHaveLength(2);

    const container = await node.docker().createContainer({
      Image: BASE_IMAGE,
      Cmd: ['true'],
      HostConfig: {
        NetworkMode: 'none',
        DeviceRequests: [{ Driver: '', Count: 0, DeviceIDs: [node.gpus[0]?.uuid ?? 'missing'], Capabilities: [['gpu']], Options: {} }],
      },
    });
    try {
      await expect(container.start()).rejects.toThrow(/could not select device driver/);
    } finally {
      await container.remove({ force: true });
    }
    expect(node.nvidiaHook).toBe(false);
  });

  it('runs a registry that answers without a login beside the one that asks for it', async () => {
    const anonymous = await fetch(`http://${bedAnonymousRegistry().address}/v2/`);
    expect(anonymous.status).toBe(200);
    const guarded = await fetch(`http://${bedRegistry().address}/v2/`);
    expect(guarded.status).toBe(401);
    expect(bedAnonymousRegistry().address).not.toBe(bedRegistry().address);
  });
});

/** Opens `count` session channels (each a waiting `sleep`) on one SSH connection, one after another, and says how many the node granted. */
async function sessionChannelsOpened(node: TestNode, count: number): Promise<{ opened: number; refusal: string | undefined }> {
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject);
    client.connect({ host: node.host, port: node.port, username: 'alice', privateKey: readFileSync(node.keyFile('alice')) });
  });
  try {
    let opened = 0;
    for (let i = 0; i < count; i++) {
      const refusal = await new Promise<string | undefined>((resolve) => client.exec('sleep 30', (error) => resolve(error?.message)));
      if (refusal !== undefined) return { opened, refusal };
      opened++;
    }
    return { opened, refusal: undefined };
  } finally {
    client.end();
  }
}
