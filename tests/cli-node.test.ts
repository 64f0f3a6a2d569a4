import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { cliUser } from './support/cli-user';
import { bedNode } from './support/bed-nodes';

// The `berth node` commands as a user runs them, against the test bed, with no terminal to ask at.
const { home, berth } = cliUser('cli-home');
const gpuA = bedNode('gpu-a');
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(() => Promise.all(cleanups.map((cleanup) => cleanup())));

interface ShownNode {
  state: string;
  gpus: { index: number; uuid: string; name: string; memoryMiB: number; reservedBy: string | null }[];
  sessions: { id: string; owner: string; gpus: string[] }[];
}

describe('berth node', () => {
  it('adds a node, and without a terminal refuses its unknown host key, naming the fingerprint and the flag', () => {
    const added = berth(
      'node',
      'add',
      'gpu-a',
      '--host',
      '127.0.0.1',
      '--port',
      String(gpuA.port),
      '--user',
      'alice',
      '--identity',
      gpuA.keyFile('alice'),
      '--cluster',
      'lab',
    );
    expect(added.status).toBe(0);
    expect(added.stdout).toContain('Added gpu-a');
    const refused = berth('node', 'show', 'gpu-a');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(gpuA.hostKeyFingerprint());
    expect(refused.stderr).toContain('--accept-new-host-key');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('shows the stand-in GPUs, then who holds them', async () => {
    const shown = berth('node', 'show', 'gpu-a', '--accept-new-host-key', '--format', 'json');
    expect(shown.stderr).toBe('');
    const node = JSON.parse(shown.stdout) as ShownNode;
    expect(node.state).toBe('connected');
    expect(node.gpus.map(({ index, uuid, name, memoryMiB, reservedBy }) => ({ index, uuid, name, memoryMiB, reservedBy }))).toEqual(
      gpuA.gpus.map((g) => ({ index: g.index, uuid: g.uuid, name: g.name, memoryMiB: g.memoryMiB, reservedBy: null })),
    );

    // A session of bob's holding GPU 2, as the node records it: labels on a running container.
    const uuid = gpuA.gpus[2]?.uuid ?? '';
    // Named after the session, as Berth names a session's container (a copy under another name is not the session).
    const container = await gpuA.docker().createContainer({
      name: 'bobs-run',
      Image: BASE_IMAGE,
      Cmd: ['sleep', '600'],
      Labels: { 'berth.session': '01JBOBSESSION0000000000000', 'berth.owner': 'bob', 'berth.name': 'bobs-run', 'berth.gpus': uuid },
      HostConfig: { NetworkMode: 'none', Init: true },
    });
    cleanups.push(() => container.remove({ force: true }));
    await container.start();

    const again = JSON.parse(berth('node', 'show', 'gpu-a', '--format', 'json').stdout) as ShownNode;
    expect(again.gpus.find((g) => g.uuid === uuid)?.reservedBy).toBe('bob');
    expect(again.gpus.filter((g) => g.reservedBy !== null)).toHaveLength(1);
    expect(again.sessions).toEqual([expect.objectContaining({ id: '01JBOBSESSION0000000000000', owner: 'bob', gpus: [uuid] })]);

    const text = berth('node', 'show', 'gpu-a');
    expect(text.stdout).toContain('3 of 4 free');
    expect(text.stdout).toMatch(/bob \(01JBOBSESSION0000000000000\)/);
  });

  it('lists bookmarks as a table and as JSON', () => {
    expect(berth('node', 'list').stdout).toMatch(/^NAME\s+CLUSTER\s+ADDRESS\s+AUTH\s+JUMP\ngpu-a\s+lab\s+alice@127\.0\.0\.1:\d+\s+key\s+-\n$/);
    const json = JSON.parse(berth('node', 'list', '--format', 'json').stdout) as { name: string }[];
    expect(json.map((b) => b.name)).toEqual(['gpu-a']);
  });

  it('takes a password from a file only the user can read, and says so otherwise', () => {
    expect(berth('node', 'add', 'pw', '--host', '127.0.0.1', '--port', String(gpuA.port), '--user', 'alice', '--password').status).toBe(0);
    const noTerminal = berth('node', 'show', 'pw');
    expect(noTerminal.status).toBe(1);
    expect(noTerminal.stderr).toContain('pass --password-file FILE');

    const file = join(home, 'pw.txt');
    writeFileSync(file, `${gpuA.password('alice')}\n`);
    chmodSync(file, 0o644);
    const open = berth('node', 'show', 'pw', '--password-file', file);
    expect(open.status).toBe(2);
    expect(open.stderr).toContain(`run \`chmod 600 ${file}\``);

    chmodSync(file, 0o600);
    const ok = berth('node', 'show', 'pw', '--password-file', file, '--format', 'json');
    expect(ok.stderr).toBe('');
    expect((JSON.parse(ok.stdout) as ShownNode).state).toBe('connected');
  });

  it('refuses bad input with a usage error', () => {
    const badPort = berth('node', 'add', 'x', '--host', 'h', '--port', '99999');
    expect(badPort.status).toBe(2);
    expect(badPort.stderr).toMatch(/^Error: that bookmark is not valid: node\.port/);
    const twoAuths = berth('node', 'add', 'x', '--host', 'h', '--password', '--keyboard-interactive');
    expect(twoAuths.status).toBe(2);
    const dup = berth('node', 'add', 'gpu-a', '--host', 'h');
    expect(dup.status).toBe(1);
    expect(dup.stderr).toContain('A node named "gpu-a" exists already');
    const badJump = berth('node', 'add', 'y', '--host', 'h', '--jump', 'nowhere');
    expect(badJump.stderr).toContain('y jumps through "nowhere", which is not a bookmarked node');
  });

  it('imports hosts from an ssh config', () => {
    const config = join(home, 'ssh_config');
    writeFileSync(
      config,
      `Host imported-b\n  HostName 127.0.0.1\n  Port ${bedNode('gpu-b').port}\n  User alice\n  IdentityFile ${bedNode('gpu-b').keyFile('alice')}\n`,
    );
    const imported = berth('node', 'import-ssh-config', '--file', config);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toContain('added   imported-b');
    expect(berth('node', 'show', 'imported-b', '--accept-new-host-key', '--format', 'json').stdout).toContain('"state": "connected"');
    expect(berth('node', 'import-ssh-config', '--file', config).stdout).toContain('kept    imported-b (already bookmarked)');
  });

  it('removes a node', () => {
    expect(berth('node', 'remove', 'pw').stdout).toBe('Removed pw.\n');
    const gone = berth('node', 'show', 'pw');
    expect(gone.status).toBe(1);
    expect(gone.stderr).toContain('There is no node named "pw"');
  });
});
