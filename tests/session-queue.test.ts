import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from './support/bed-nodes';

// Eight laptops' worth of `berth session create --gpus 1` racing for gpu-q's four GPUs.
const BERTH = new URL('../bin/berth.js', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'berth-queue-'));
const env = { ...process.env, HOME: home, BERTH_HOME: join(home, 'berth') };
const node = bedNode('gpu-q');
const docker = node.docker();

interface Creator {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}
const creators: Creator[] = [];

function create(): Creator {
  const child = spawn(
    process.execPath,
    [
      BERTH,
      'session',
      'create',
      '--node',
      'q',
      '--gpus',
      '1',
      '--detach',
      '--image',
      `docker://${BASE_IMAGE}`,
      '--pull',
      'never',
      '--',
      'sleep',
      '600',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const creator: Creator = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.once('exit', resolve)) };
  child.stdout?.on('data', (chunk: Buffer) => (creator.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (creator.stderr += chunk.toString()));
  return creator;
}

async function until<T>(what: string, probe: () => T | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function aheadOf(creator: Creator): number | undefined {
  const matches = [...creator.stderr.matchAll(/Waiting for 1 GPU: \d of 4 free, (\d+) ahead of you/g)];
  const last = matches.at(-1);
  return last ? Number(last[1]) : undefined;
}

function running(): Creator[] {
  return creators.filter((c) => c.child.exitCode === 0 && /^[0-9A-Z]{26}\n$/.test(c.stdout));
}

async function sessionEnv(containerId: string): Promise<string> {
  const exec = await docker
    .getContainer(containerId)
    .exec({ Cmd: ['sh', '-c', "tr '\\0' '\\n' < /proc/1/environ | grep ^NVIDIA_VISIBLE_DEVICES="], AttachStdout: true, Tty: true });
  const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
  let out = '';
  stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await new Promise((resolve) => stream.once('end', resolve));
  return out.trim();
}

afterAll(async () => {
  for (const creator of creators) creator.child.kill('SIGKILL');
  for (const info of await docker.listContainers({ all: true, filters: { label: ['berth.session'] } }))
    await docker.getContainer(info.Id).remove({ force: true });
});

describe('the GPU queue', () => {
  it('gives four of eight concurrent requests a distinct GPU each, and starts the rest in order as GPUs free up', async () => {
    const added = spawnSync(process.execPath, [BERTH, ...node.berthAddArgs('q')], { env, encoding: 'utf8' });
    expect(added.status).toBe(0);

    for (let i = 0; i < 8; i++) creators.push(create());
    await until('four sessions to start', () => running().length === 4);
    const waiting = await until('four waiters to report their place', () => {
      const others = creators.filter((c) => !running().includes(c));
      return others.length === 4 && others.map(aheadOf).sort().join() === '0,1,2,3' ? others : undefined;
    });

    // Their places as they stood with all four waiting; the messages move on as the queue does.
    const place = new Map(waiting.map((c) => [aheadOf(c), c]));
    const sessions = await docker.listContainers({ filters: { label: ['berth.session'] } });
    expect(sessions).toHaveLength(4);
    const visible = await Promise.all(sessions.map((s) => sessionEnv(s.Id)));
    expect(new Set(visible).size).toBe(4);
    expect(visible.map((line) => line.replace('NVIDIA_VISIBLE_DEVICES=', '')).sort()).toEqual(node.gpus.map((g) => g.uuid).sort());

    // The last in line gives up: nothing of it stays on the node.
    const quitter = place.get(3) as Creator;
    quitter.child.kill('SIGINT');
    expect(await quitter.exited).not.toBe(0);
    expect(quitter.stderr).toContain('cancelled');

    // Each stop frees one GPU, and the waiter first in line gets it.
    for (const turn of [0, 1, 2]) {
      const next = place.get(turn) as Creator;
      const victim = running()[0] as Creator;
      const stopped = spawnSync(process.execPath, [BERTH, 'session', 'stop', victim.stdout.trim()], { env, encoding: 'utf8' });
      expect(stopped.stdout).toContain('Stopped');
      creators.splice(creators.indexOf(victim), 1);
      expect(await next.exited).toBe(0);
      expect(next.stdout).toMatch(/^[0-9A-Z]{26}\n$/);
      for (const later of [1, 2].filter((p) => p > turn)) expect(place.get(later)?.child.exitCode).toBeNull();
    }
    expect(await docker.listContainers({ filters: { label: ['berth.session'] } })).toHaveLength(4);
    expect((await docker.listContainers({ all: true, filters: { label: ['berth.session'] } })).length).toBe(4);
  }, 180_000);
});
