import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from './support/bed-nodes';
import { BERTH, cliUser } from './support/cli-user';
import { onNode, until } from './support/node-processes';

// gpu-f, shared with ledger-faults: these sessions take no GPUs, and every check here is by this file's own session IDs.
const node = bedNode('gpu-f');
const docker = node.docker();
const alice = cliUser('identity-alice', 120_000);
// Another laptop of alice's, whose bookmark of gpu-f allows a host folder (one bookmark per node per laptop, so IDs stay unique).
const mounter = cliUser('identity-mounts', 120_000);
const made: string[] = [];

function createDetached(node: string, command: string[], ...extra: string[]): { status: number | null; stdout: string; stderr: string } {
  return (node === 'f' ? alice : mounter).berth(
    'session',
    'create',
    '--node',
    node,
    '--detach',
    '--image',
    `docker://${BASE_IMAGE}`,
    '--pull',
    'never',
    ...extra,
    '--',
    ...command,
  );
}

function sessionId(run: { status: number | null; stdout: string; stderr: string }): string {
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/^[0-9A-Z]{26}\n$/);
  return run.stdout.trim();
}

async function containerOf(id: string): Promise<string> {
  const found = await docker.listContainers({ all: true, filters: { label: [`berth.session=${id}`] } });
  expect(found).toHaveLength(1);
  return found[0]?.Id ?? '';
}

/** The node's dockerd sees its data root in its own mount namespace; /proc/PID/root reaches into it. */
function dockerdPath(path: string): string {
  const pid = readFileSync(join(node.dir, 'dockerd.pid'), 'utf8').trim();
  return `/proc/${pid}/root${path}`;
}

beforeAll(() => {
  expect(alice.berth(...node.berthAddArgs('f', 'alice')).status).toBe(0);
});

afterAll(async () => {
  for (const info of await docker.listContainers({ all: true })) {
    if (made.includes(info.Id) || made.some((id) => info.Labels['berth.session'] === id)) await docker.getContainer(info.Id).remove({ force: true });
  }
});

describe('a session is the container Berth made for it', () => {
  it('is neither listed nor attached as a docker commit + docker run copy of it, and stops by its ID', async () => {
    const id = sessionId(createDetached('f', ['sh', '-c', 'echo "main of $(hostname)"; exec sleep 600']));
    made.push(id);
    const real = await containerOf(id);
    // What a colleague does to keep a session's state: commit it, and run the result (its labels come along).
    const committed = (await docker.getContainer(real).commit({ repo: 'berth-identity-copy', tag: id.toLowerCase() })) as { Id: string };
    const copy = await docker.createContainer({ Image: committed.Id, name: `copy-of-${id.toLowerCase()}` });
    await copy.start();
    made.push(copy.id);
    const copyInfo = await copy.inspect();
    expect(copyInfo.Config.Labels['berth.session']).toBe(id);
    expect(copyInfo.Config.Labels['berth.owner']).toBe('alice');

    const listed = alice.berth('session', 'list', '--format', 'json');
    expect(listed.status, listed.stderr).toBe(0);
    const sessions = (JSON.parse(listed.stdout) as { id: string }[]).filter((session) => session.id === id);
    expect(sessions).toHaveLength(1);

    const exec = alice.berth('session', 'exec', id, '--', 'cat', '/etc/hostname');
    expect(exec.status, exec.stderr).toBe(0);
    expect(exec.stdout.trim()).toBe(real.slice(0, 12));

    const attach = spawn(process.execPath, [BERTH, 'session', 'attach', id], { env: alice.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let seen = '';
    attach.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    await until('the attached session to show its main process', () => seen.includes('main of '), 30_000);
    attach.kill('SIGKILL');
    expect(seen).toContain(`main of ${real.slice(0, 12)}`);
    expect(seen).not.toContain(`main of ${copy.id.slice(0, 12)}`);

    const stopped = alice.berth('session', 'stop', id);
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain(`Stopped`);
    expect(
      (
        await docker
          .getContainer(real)
          .inspect()
          .catch(() => null)
      )?.State.Running ?? false,
    ).toBe(false);
    expect((await copy.inspect()).State.Running).toBe(true);
    const after = JSON.parse(alice.berth('session', 'list', '--format', 'json').stdout) as { id: string }[];
    expect(after.filter((session) => session.id === id)).toEqual([]);
    await copy.remove({ force: true });
    await docker.getImage(committed.Id).remove({ force: true });
  }, 180_000);

  it("bounds a session's Docker log: a session printing `yes` stops growing at 3 files of 10 MB", async () => {
    const id = sessionId(createDetached('f', ['yes']));
    made.push(id);
    const info = await docker.getContainer(await containerOf(id)).inspect();
    expect(info.HostConfig.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '10m', 'max-file': '3' } });
    const log = dockerdPath(info.LogPath);
    const files = (): { name: string; size: number }[] =>
      readdirSync(dirname(log))
        .filter((name) => name.startsWith(basename(log)))
        .map((name) => ({ name, size: statSync(join(dirname(log), name)).size }));
    const MB = 1024 * 1024;
    // Rotated twice, or one file past its limit (the check that fails without one): 20 MB and more written.
    await until('the log to pass 20 MB', () => files().some((f) => f.name.endsWith('.2') || f.size > 11 * MB), 120_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const seen = files();
    expect(seen.length).toBeLessThanOrEqual(3);
    for (const file of seen) expect(file.size, file.name).toBeLessThanOrEqual(10 * MB + 64 * 1024);
    expect(alice.berth('session', 'stop', id).status).toBe(0);
  }, 180_000);

  it('refuses a mount through a symlink inside an allowed folder that leads to /', async () => {
    const prepared = onNode(node, 'alice', 'mkdir -p "$HOME/shared/data" && ln -sfn / "$HOME/shared/root" && echo "$HOME"');
    expect(await prepared.exited, prepared.stderr).toBe(0);
    const home = prepared.stdout.trim().split('\n').at(-1) ?? '';
    expect(home).toMatch(/^\/.+/);
    expect(mounter.berth(...node.berthAddArgs('f-mounts', 'alice'), '--allow-path', `${home}/shared`).status).toBe(0);

    const refused = createDetached('f-mounts', ['sleep', '600'], '--mount', `${home}/shared/root:/mnt/host`);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(`${home}/shared/root (which leads to /) is not among the host folders f-mounts lets sessions mount`);
    expect(refused.stderr).not.toMatch(/^\s+at .+[(:]\d+/m);

    // A real folder inside it still mounts.
    const fine = sessionId(createDetached('f-mounts', ['sleep', '600'], '--mount', `${home}/shared/data:/mnt/data`));
    made.push(fine);
    const stopped = mounter.berth('session', 'stop', fine);
    expect(stopped.status, stopped.stderr).toBe(0);
    const unlinked = onNode(node, 'alice', 'rm "$HOME/shared/root"');
    expect(await unlinked.exited, unlinked.stderr).toBe(0);
  }, 120_000);
});
