import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { BASE_IMAGE } from '../../e2e/testbed/base-image';
import type { TestNode } from '../../e2e/testbed/test-node';
import type { TestUserName } from '../../e2e/testbed/users';
import { BERTH } from './cli-user';
import type { CliUser } from './cli-user';

/** A `berth` child process left running, its output collected as it comes. */
export interface Running {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
}

export function spawnBerth(user: CliUser, args: string[]): Running {
  const child = spawn(process.execPath, [BERTH, ...args], { env: user.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const running: Running = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.once('exit', resolve)) };
  child.stdout?.on('data', (chunk: Buffer) => (running.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (running.stderr += chunk.toString()));
  return running;
}

/** `berth session create --gpus N --detach` of the bed's base image, running `sleep 600`. */
export function gpuCreateArgs(node: string, gpus: number, ...extra: string[]): string[] {
  return [
    'session',
    'create',
    '--node',
    node,
    '--gpus',
    String(gpus),
    '--detach',
    '--image',
    `docker://${BASE_IMAGE}`,
    '--pull',
    'never',
    ...extra,
    '--',
    'sleep',
    '600',
  ];
}

/** The user's key with no passphrase (bob's has one), for ssh and `berth node add` in scripts. */
export function plainKey(node: TestNode, user: TestUserName): string {
  const file = join(mkdtempSync(join(tmpdir(), `berth-key-${user}-`)), 'key');
  copyFileSync(node.keyFile(user), file);
  const passphrase = node.keyPassphrase(user);
  if (passphrase) execFileSync('ssh-keygen', ['-q', '-p', '-P', passphrase, '-N', '', '-f', file]);
  return file;
}

/** Runs `command` (a fixed test string) on the node as `user` over ssh, left running. */
export function onNode(node: TestNode, user: TestUserName, command: string): Running {
  const args = node.sshArgs(user);
  args.splice(0, 2, '-i', plainKey(node, user), '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes');
  const child = spawn('ssh', [...args, command], { stdio: ['ignore', 'pipe', 'pipe'] });
  const running: Running = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.once('exit', resolve)) };
  child.stdout?.on('data', (chunk: Buffer) => (running.stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (running.stderr += chunk.toString()));
  return running;
}

export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Pids of the node's processes of `uid` whose argv matches. */
export function nodeProcesses(node: TestNode, uid: number, matches: (argv: string[]) => boolean): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => {
      try {
        if (statSync(`/proc/${pid}`).uid !== uid || !node.runsOnNode(pid)) return false;
        return matches(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
      } catch {
        return false;
      }
    });
}

/** The GPUs each GPU session container on the node was given, from the container's own environment. */
export async function visibleDevices(docker: Docker): Promise<Map<string, string[]>> {
  const held = new Map<string, string[]>();
  for (const info of await docker.listContainers({ all: true, filters: { label: ['berth.gpus'] } })) {
    const container = docker.getContainer(info.Id);
    if ((await container.inspect()).State.Running) {
      const exec = await container.exec({ Cmd: ['cat', '/proc/1/environ'], AttachStdout: true, Tty: true });
      const stream = await exec.start({ hijack: true, stdin: false, Tty: true });
      let out = '';
      stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
      await new Promise((resolve) => stream.once('end', resolve));
      const line = out.split('\0').find((entry) => entry.startsWith('NVIDIA_VISIBLE_DEVICES='));
      held.set(info.Id, line ? line.slice('NVIDIA_VISIBLE_DEVICES='.length).split(',').filter(Boolean) : []);
    }
  }
  return held;
}

/** No GPU UUID given to two containers. */
export function sharedGpus(held: Map<string, string[]>): string[] {
  const all = [...held.values()].flat();
  return all.filter((uuid, index) => all.indexOf(uuid) !== index);
}
