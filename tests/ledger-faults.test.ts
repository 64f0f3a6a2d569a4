import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bedNode } from './support/bed-nodes';
import { cliUser } from './support/cli-user';
import { gpuCreateArgs, nodeProcesses, onNode, plainKey, sharedGpus, spawnBerth, until, visibleDevices } from './support/node-processes';
import type { Running } from './support/node-processes';
import { compareDockerTimes } from '../main/sessions/gpu-ledger';

// gpu-f is this file's alone (and session-identity's, which starts no GPU sessions): it decides who holds its two GPUs.
const node = bedNode('gpu-f');
const docker = node.docker();
const alice = cliUser('faults-alice', 120_000);
const bob = cliUser('faults-bob', 120_000);
const ALICE_UID = 2001;
const started: Running[] = [];
const STACK = /^\s+at .+[(:]\d+/m;

async function removeGpuSessions(): Promise<void> {
  for (const info of await docker.listContainers({ all: true, filters: { label: ['berth.gpus'] } }))
    await docker.getContainer(info.Id).remove({ force: true });
}

function create(user: typeof alice, ...extra: string[]): Running {
  const running = spawnBerth(user, gpuCreateArgs('f', 1, ...extra));
  started.push(running);
  return running;
}

async function createdId(running: Running): Promise<string> {
  const code = await running.exited;
  expect(running.stderr, running.stderr).not.toMatch(STACK);
  expect(code, running.stderr).toBe(0);
  expect(running.stdout).toMatch(/^[0-9A-Z]{26}\n$/);
  return running.stdout.trim();
}

beforeAll(() => {
  expect(alice.berth(...node.berthAddArgs('f', 'alice')).status).toBe(0);
  const addBob = node.berthAddArgs('f', 'bob');
  addBob.splice(addBob.indexOf('--identity') + 1, 1, plainKey(node, 'bob'));
  const added = bob.berth(...addBob);
  expect(added.status, added.stderr).toBe(0);
});

afterAll(async () => {
  node.setNvidiaSmiDelay(0);
  for (const running of started) {
    running.child.kill('SIGCONT');
    running.child.kill('SIGKILL');
  }
  await removeGpuSessions();
});

describe('the GPU ledger under faults', () => {
  it('falls back when another user made the queue folder 0755 first, says so, and the doctor reports it', async () => {
    // The team's own queue folder (a bookmark's --lock-dir, tried first), made by bob before anyone and closed to others.
    // Not /run/lock/berth: session-identity's bookmark of this node may make that one at any moment.
    const made = onNode(node, 'bob', 'mkdir /var/tmp/berth-team && chmod 755 /var/tmp/berth-team && stat -c "%U %a" /var/tmp/berth-team');
    expect(await made.exited, made.stderr).toBe(0);
    expect(made.stdout.trim()).toBe('bob 755');
    const laptop = cliUser('faults-team', 120_000);
    expect(laptop.berth(...node.berthAddArgs('f', 'alice'), '--lock-dir', '/var/tmp/berth-team').status).toBe(0);

    const first = spawnBerth(laptop, gpuCreateArgs('f', 1));
    started.push(first);
    await createdId(first);
    expect(first.stderr).toContain('/var/tmp/berth-team (owner bob, mode 755) does not let you queue there; Berth queues in /run/lock/berth instead');

    const doctor = laptop.berth('node', 'doctor', 'f');
    expect(doctor.stdout + doctor.stderr).toContain('/var/tmp/berth-team (owner bob, mode 755) does not let you queue there');
    expect(doctor.stdout + doctor.stderr).toContain('the GPU queue lives in /run/lock/berth');
    await removeGpuSessions();
  }, 180_000);

  it('never gives one GPU to two containers when a client froze holding the lock past its lease', async () => {
    await createdId(create(bob));

    // Every GPU reading takes 5 s: alice's client is caught reading the GPUs under the lock, and frozen there.
    node.setNvidiaSmiDelay(5);
    const late = create(alice);
    const holds = (): number[] => nodeProcesses(node, ALICE_UID, (argv) => argv[0] === 'bash' && argv[3] === 'berth-hold');
    const readingGpus = (): number[] => nodeProcesses(node, ALICE_UID, (argv) => argv.some((arg) => arg.endsWith('/nvidia-smi')));
    await until('alice to read the GPUs under the GPU lock', () => holds().length > 0 && readingGpus().length > 0, 90_000);
    // Her read of the sessions (Docker's, not slowed) is back by now: what she chose from is what she saw before freezing.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(holds().length).toBeGreaterThan(0);
    expect(late.child.kill('SIGSTOP')).toBe(true);
    node.setNvidiaSmiDelay(0);

    // Past the lease the node lets go of her lock, and bob takes the last GPU.
    await until('the node to end the frozen client’s lock', () => holds().length === 0, 90_000);
    await createdId(create(bob));
    expect(late.child.exitCode).toBeNull();

    late.child.kill('SIGCONT');
    const code = await Promise.race([late.exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 60_000))]);
    // The promise first, from the containers' own environment; then what the late one was told.
    const held = await visibleDevices(docker);
    expect(sharedGpus(held)).toEqual([]);
    expect(held.size).toBe(2);
    expect(code, late.stderr).not.toBe(0);
    expect(code, late.stderr).not.toBe('still running');
    expect(late.stderr).toMatch(/lost f's GPU lock|gave a GPU this session chose/);
    expect(late.stderr).not.toMatch(STACK);
    expect((await docker.listContainers({ all: true, filters: { label: ['berth.gpus'] } })).length).toBe(2);
    await removeGpuSessions();
  }, 300_000);

  it('gives up on a foreign flock of the queue folder with a plain message naming its holder, and makes nothing', async () => {
    const jam = onNode(node, 'bob', 'mkdir -p /run/lock/berth; echo $$; exec flock -o /run/lock/berth sleep 1001');
    started.push(jam);
    const jammer = Number(await until('the foreign flock to start', () => /^(\d+)$/m.exec(jam.stdout)?.[1]));
    await until('the foreign flock to hold', () => nodeProcesses(node, 2002, (argv) => argv[0] === 'sleep' && argv[1] === '1001').length > 0);

    const began = Date.now();
    const blocked = create(alice);
    const code = await blocked.exited;
    const took = Date.now() - began;
    process.kill(jammer, 'SIGKILL');
    expect(code).not.toBe(0);
    expect(blocked.stderr).toContain('Waiting for the GPU lock on f, held by bob');
    expect(blocked.stderr).toMatch(/The GPU lock on f .* has been held for over 75 s by bob \(pid \d+: flock/);
    expect(blocked.stderr).toContain('Berth made nothing');
    expect(blocked.stderr).not.toMatch(STACK);
    expect(took).toBeLessThan(110_000);
    expect(await docker.listContainers({ all: true, filters: { label: ['berth.gpus'] } })).toEqual([]);
  }, 180_000);

  it('does not let a dropped ticket folder, or one held by a stray flock, hold up the queue', async () => {
    // Named as the earliest tickets there could be, so they would stand first in line if they counted.
    const fake = onNode(
      node,
      'bob',
      'mkdir -p -m 1777 /dev/shm/berth && mkdir /run/lock/berth/1-1-g1 /dev/shm/berth/1-2-g1 && mkdir /run/lock/berth/2-3-g2 && echo $$ && exec flock /run/lock/berth/2-3-g2 sleep 1002',
    );
    started.push(fake);
    const holder = Number(await until('the stray ticket flock', () => /^(\d+)$/m.exec(fake.stdout)?.[1]));
    await until('the stray ticket to be held', () => nodeProcesses(node, 2002, (argv) => argv[0] === 'sleep' && argv[1] === '1002').length > 0);

    // --no-wait fails at once when anything stands ahead in the queue.
    await createdId(create(alice, '--no-wait'));
    await createdId(create(alice, '--no-wait'));
    process.kill(holder, 'SIGKILL');
    const cleared = onNode(node, 'bob', 'rmdir /run/lock/berth/1-1-g1 /dev/shm/berth/1-2-g1 /run/lock/berth/2-3-g2');
    expect(await cleared.exited, cleared.stderr).toBe(0);
    expect(sharedGpus(await visibleDevices(docker))).toEqual([]);
    await removeGpuSessions();
  }, 180_000);
  it('starts two waiters whose node pids differ in digit count both, in FIFO order, when GPUs free', async () => {
    const filler = await createdId(spawnBerth(bob, gpuCreateArgs('f', 2)));
    // The node shares the machine's pid counter: the next pids are set so the first ticket's shell
    // gets a 5-digit pid and the second's a 3- or 4-digit one (checked below from the tickets' names).
    const waiter = async (nextPid: number, ahead: number): Promise<Running> => {
      writeFileSync('/proc/sys/kernel/ns_last_pid', String(nextPid));
      const running = create(alice);
      await until(`a waiter with ${ahead} ahead`, () => running.stderr.includes(`Waiting for 1 GPU: 0 of 2 free, ${ahead} ahead of you`), 60_000);
      return running;
    };
    const first = await waiter(20_000, 0);
    const second = await waiter(100, 1);
    const listed = onNode(node, 'alice', 'ls /run/lock/berth /dev/shm/berth /var/tmp/berth 2>/dev/null; true');
    await listed.exited;
    // Berth's own tickets: named by the node's clock in nanoseconds (19 digits).
    const tickets = listed.stdout.split('\n').filter((line) => /^\d{19}-\d+-g1$/.test(line.trim()));
    expect(tickets).toHaveLength(2);
    const pids = tickets.map((name) => name.split('-')[1] ?? '').sort((a, b) => a.length - b.length);
    expect(pids[0]?.length).toBeLessThan(pids[1]?.length ?? 0);
    expect(first.stderr).not.toContain('1 ahead of you');

    expect(bob.berth('session', 'stop', filler).status).toBe(0);
    const [a, b] = [await createdId(first), await createdId(second)];
    const created = async (id: string): Promise<string> => {
      const [info] = await docker.listContainers({ filters: { label: [`berth.session=${id}`] } });
      return (await docker.getContainer(info?.Id ?? id).inspect()).Created;
    };
    expect(compareDockerTimes(await created(a), await created(b))).toBeLessThan(0);
    expect(sharedGpus(await visibleDevices(docker))).toEqual([]);
    await removeGpuSessions();
  }, 240_000);
});
