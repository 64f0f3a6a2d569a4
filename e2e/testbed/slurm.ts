import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { clearBedDir, isAlive, readPid } from './bed-dirs';
import { freePort } from './free-port';
import { writeGpuFiles, writeMungeFiles, writeSlurmEtc } from './slurm-files';
import type { SlurmNodeSpec } from './slurm-files';
import { startTestNode } from './test-node';
import type { TestNode } from './test-node';

export interface SlurmClusterOptions {
  /** The compute nodes: test nodes, each with slurmd in its own namespace. */
  nodes?: { name: string; gpus: number }[];
  /** The login node's name: a test node without GPUs or slurmd, where users sbatch, squeue, scancel and srun. */
  login?: string;
  partition?: string;
}

export interface SlurmCluster {
  dir: string;
  clusterName: string;
  partition: string;
  login: TestNode;
  nodes: TestNode[];
  /** Runs a command as root on the login node, as the cluster's administrator would (`scancel 12`, `scontrol …`). */
  admin(command: string, ...args: string[]): string;
  /** Cancels every job, stops the daemons and the nodes, ends the job steps left in them (bed-dirs.ts), and removes `dir`. */
  stop(): Promise<void>;
}

const CLUSTER_NAME = 'berth';
const START_TIMEOUT_MS = 30_000;

/**
 * A real Slurm (Debian's slurm-wlm 22.05) on this machine, opt-in for the tests that need it: munged,
 * slurmctld in the login node's namespace and one `slurmd -N NAME` in each compute node's namespace,
 * so job steps see that node's Docker socket, users and homes. Every node sees the cluster's config
 * as /etc/slurm and munged's socket as /run/munge. Each daemon's pid file sits in `dir`, so a crashed
 * run is cleared by the next (bed-dirs.ts); `dir` should come from newBedDir().
 */
export async function startSlurmCluster(dir: string, options: SlurmClusterOptions = {}): Promise<SlurmCluster> {
  const nodeOptions = options.nodes ?? [
    { name: 'slurm-a', gpus: 4 },
    { name: 'slurm-b', gpus: 4 },
  ];
  const partition = options.partition ?? 'gpu';
  const loginName = options.login ?? 'slurm-login';
  const s = join(dir, 'slurm');
  mkdirSync(join(s, 'state'), { recursive: true });
  chmodSync(dir, 0o755);
  chmodSync(s, 0o755);
  const started: TestNode[] = [];
  const daemons: number[] = [];
  const stop = async (): Promise<void> => {
    await stopCluster(
      started.find((node) => node.name === loginName),
      started,
      daemons,
      partition,
    );
    clearBedDir(dir);
  };
  try {
    const [login, ...nodes] = await Promise.all(
      [{ name: loginName, gpus: 0 }, ...nodeOptions].map(async (o) => {
        const node = await startTestNode(join(dir, o.name), { name: o.name, gpus: o.gpus });
        started.push(node);
        return node;
      }),
    );
    if (!login) throw new Error('startSlurmCluster: the login node did not start.');

    const munge = writeMungeFiles(s);
    const socket = join(munge.socketDir, 'munge.socket.2');
    // --force: the bed's folders sit under /tmp, which munged would otherwise refuse as world-writable.
    const mungeArgs = ['-F', '--force', `--key-file=${munge.key}`, `--seed-file=${munge.seed}`, `--socket=${socket}`];
    daemons.push(daemon(s, 'munged', 'munged', [...mungeArgs, `--pid-file=${join(s, 'munged.pid')}`, `--log-file=${join(s, 'munged.log')}`]));
    await waitFor('munged', s, () => spawnSync('munge', ['-n', '-S', socket], { stdio: 'ignore' }).status === 0);

    const specs: SlurmNodeSpec[] = [];
    for (const node of nodes) {
      specs.push({ name: node.name, port: await freePort(), gpus: node.gpus.length, gpuFiles: writeGpuFiles(node.dir, node.gpus.length) });
      mkdirSync(join(s, `spool-${node.name}`), { recursive: true });
    }
    writeSlurmEtc(join(s, 'etc'), {
      clusterName: CLUSTER_NAME,
      controllerHost: hostname(),
      controllerPort: await freePort(),
      partition,
      nodes: specs,
      stateDir: s,
    });
    for (const node of [login, ...nodes]) bindSlurmInto(node, s, munge.socketDir, node === login ? undefined : login);

    daemons.push(daemon(s, 'slurmctld', 'nsenter', ['-t', String(holderOf(login)), '-m', '--', 'slurmctld', '-D', '-i']));
    for (const node of nodes)
      daemons.push(daemon(s, `slurmd-${node.name}`, 'nsenter', ['-t', String(holderOf(node)), '-m', '--', 'slurmd', '-D', '-N', node.name]));

    const admin = (command: string, ...args: string[]): string =>
      execFileSync('nsenter', ['-t', String(holderOf(login)), '-m', '--', command, ...args], { encoding: 'utf8', timeout: 20_000 });
    await waitFor('every slurmd to come up idle', s, () => {
      const states = admin('sinfo', '-h', '-N', '-o', '%N %t').trim().split('\n');
      return nodes.every((node) => states.includes(`${node.name} idle`));
    });
    return { dir, clusterName: CLUSTER_NAME, partition, login, nodes, admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function holderOf(node: TestNode): number {
  const pid = readPid(join(node.dir, 'holder.pid'));
  if (pid === null) throw new Error(`Test node ${node.name} has no namespace holder (holder.pid in ${node.dir}).`);
  return pid;
}

/**
 * Inside the node's mount namespace: the cluster's config as /etc/slurm and munged's socket as /run/munge.
 * On a compute node, the login node's bin folder (first on the PATH that jobs inherit from the login
 * node's SSH sessions) shows this node's own stand-ins, as /usr/bin would on a real compute node.
 */
function bindSlurmInto(node: TestNode, s: string, mungeSocketDir: string, login: TestNode | undefined): void {
  const script = [
    'set -e',
    'mkdir -p /run/munge',
    'mount --bind "$1" /run/munge',
    'mount --bind "$2" /etc/slurm',
    'if [ -n "$3" ]; then mount --bind "$3" "$4"; fi',
  ].join('\n');
  const bins = login ? [join(node.dir, 'bin'), join(login.dir, 'bin')] : ['', ''];
  execFileSync('nsenter', ['-t', String(holderOf(node)), '-m', '--', 'sh', '-c', script, 'sh', mungeSocketDir, join(s, 'etc'), ...bins]);
}

/** Starts a daemon in the foreground of its own process group and writes its pid file at once (nsenter execs it). */
function daemon(s: string, name: string, command: string, args: string[]): number {
  const log = openSync(join(s, `${name}.out`), 'a');
  const child = spawn(command, args, { stdio: ['ignore', log, log], detached: true });
  child.unref();
  if (child.pid === undefined) throw new Error(`${command} did not start; see ${join(s, `${name}.out`)}`);
  writeFileSync(join(s, `${name}.pid`), String(child.pid));
  return child.pid;
}

async function waitFor(what: string, s: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      if (probe()) return;
    } catch {
      // Not up yet.
    }
    if (Date.now() > deadline) throw new Error(`Slurm test bed: waited ${START_TIMEOUT_MS / 1000}s for ${what}; see the logs in ${s}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stopCluster(login: TestNode | undefined, nodes: TestNode[], daemons: number[], partition: string): Promise<void> {
  if (login)
    spawnSync('nsenter', ['-t', String(holderOf(login)), '-m', '--', 'scancel', '--partition', partition], { stdio: 'ignore', timeout: 10_000 });
  for (const pid of daemons) if (isAlive(pid)) process.kill(pid, 'SIGTERM');
  const until = Date.now() + 5_000;
  while (daemons.some(isAlive) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of daemons) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  await Promise.all(nodes.map((node) => node.stop().catch(() => undefined)));
}
