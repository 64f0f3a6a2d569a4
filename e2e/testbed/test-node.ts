import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import Docker from 'dockerode';
import { buildBaseImage } from './base-image';
import { createBridge, removeBridge } from './bridge';
import { bytesReceivedFrom, cutConnections } from './cut-connections';
import { isAlive, readPid } from './bed-dirs';
import { freePort } from './free-port';
import { writeGpus, writeHostKey, writeInit, writeSshdConfig, writeStandIns } from './node-files';
import { standInGpus } from './stand-ins';
import type { StandInGpu } from './stand-ins';
import { KEY_PASSPHRASES, writeUsers } from './user-files';
import { greetingsOf, loginShellOf, passwordOf } from './users';
import type { TestUserName } from './users';

export interface TestNodeOptions {
  name: string;
  gpus: number;
  /** Off makes sshd refuse direct-streamlocal, as some hardened servers do. */
  allowStreamLocal?: boolean;
  /** A RHEL-family node: /run/lock is 0755 root (only root may create there), /etc/os-release says Rocky Linux 9. */
  rhel?: boolean;
  /** sshd's MaxSessions, the channels one connection may hold (200 unless told; OpenSSH's own default is 10). */
  maxSessions?: number;
  /** Off leaves the NVIDIA container hook off dockerd's PATH (the stand-in nvidia-smi stays): Docker refuses GPU requests. */
  nvidiaHook?: boolean;
}

/** What a test needs to know of a node; plain data, so it crosses from global setup to test workers. */
export interface TestNodeInfo {
  name: string;
  host: '127.0.0.1';
  port: number;
  dir: string;
  /** The node's Docker socket as seen from the test (the node's own users see /var/run/docker.sock). */
  dockerSocket: string;
  gpus: StandInGpu[];
  /** What /etc/os-release says: Debian 12 as the machine, or Rocky Linux 9 on a RHEL-like node. */
  os: 'debian' | 'rocky';
  maxSessions: number;
  nvidiaHook: boolean;
}

/** The plain-data part of a node, to hand from global setup to test workers. */
export function nodeInfo(node: TestNodeInfo): TestNodeInfo {
  const { name, host, port, dir, dockerSocket, gpus, os, maxSessions, nvidiaHook } = node;
  return { name, host, port, dir, dockerSocket, gpus, os, maxSessions, nvidiaHook };
}

export interface TestNode extends TestNodeInfo {
  keyFile(user: TestUserName): string;
  keyPassphrase(user: TestUserName): string | undefined;
  password(user: TestUserName): string;
  /** The user's login shell on every node, e.g. /usr/bin/fish. */
  loginShell(user: TestUserName): string;
  /** The lines the user's rc files print on stdout at every login, also for a plain `ssh user@node true`. */
  greetings(user: TestUserName): string[];
  /** As OpenSSH prints it: "SHA256:…". */
  hostKeyFingerprint(): string;
  /** A new host key, as after a reinstall; sshd is told to re-read it. */
  regenerateHostKey(): Promise<void>;
  setGpus(gpus: StandInGpu[]): void;
  /** Makes every stand-in nvidia-smi call take this many seconds (0: answer at once). */
  setNvidiaSmiDelay(seconds: number): void;
  /** Whether process `pid` lives in this node (its mount namespace), as the node's own `ps` would show it. */
  runsOnNode(pid: number): boolean;
  /** Kills the sshd processes serving `clientPid`'s connections, as a network drop would; says how many connections went. */
  cutConnections(clientPid: number): number;
  /** Bytes this node's sshd has received from `clientPid`, as the kernel counts them. */
  bytesReceivedFrom(clientPid: number): number;
  docker(): Docker;
  /** `ssh` options to log in as `user` with their key, host key unchecked (the bed's own test of sshd). */
  sshArgs(user: TestUserName): string[];
  /** `berth node add NAME …` for this node as `user` with their key, trusting the host key. */
  berthAddArgs(name: string, user?: TestUserName): string[];
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

export async function startTestNode(dir: string, options: TestNodeOptions): Promise<TestNode> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const port = await freePort();
  const gpus = standInGpus(options.gpus, options.name);
  const rhel = options.rhel ?? false;
  const maxSessions = options.maxSessions ?? 200;
  const nvidiaHook = options.nvidiaHook ?? true;
  writeUsers(dir);
  writeStandIns(dir, gpus, nvidiaHook);
  const hostKey = writeHostKey(dir);
  const sshdConfig = writeSshdConfig(dir, port, hostKey, { allowStreamLocal: options.allowStreamLocal ?? true, maxSessions });
  const init = writeInit(dir, sshdConfig, createBridge(dir), rhel);

  const log = openSync(join(dir, 'init.log'), 'a');
  const holder = spawn('unshare', ['--mount', '--propagation', 'private', init], { stdio: ['ignore', log, log], detached: true });
  holder.unref();
  const holderPidFile = join(dir, 'holder.pid');
  execFileSync('sh', ['-c', 'echo "$1" > "$2"', 'sh', String(holder.pid), holderPidFile]);

  const dockerSocket = join(dir, 'docker.sock');
  const docker = new Docker({ socketPath: dockerSocket, timeout: 10_000 });
  await waitFor(`dockerd of ${options.name}`, dir, () => docker.ping().then(() => true));
  await waitFor(`sshd of ${options.name}`, dir, () => sshBanner(port));
  // Which mount namespace is the node's, so clearing the bed also ends what no pid file names (bed-dirs.ts).
  if (holder.pid !== undefined) writeFileSync(join(dir, 'holder.mntns'), readlinkSync(`/proc/${holder.pid}/ns/mnt`));
  await buildBaseImage(docker);

  return testNode({ name: options.name, host: '127.0.0.1', port, dir, dockerSocket, gpus, os: rhel ? 'rocky' : 'debian', maxSessions, nvidiaHook });
}

/** The helpers for a running node, from its plain description. */
export function testNode(info: TestNodeInfo): TestNode {
  const { dir, port } = info;
  const hostKey = join(dir, 'ssh', 'host_ed25519');
  const docker = new Docker({ socketPath: info.dockerSocket, timeout: 10_000 });
  return {
    ...info,
    keyFile: (user) => join(dir, 'keys', user),
    keyPassphrase: (user) => KEY_PASSPHRASES[user],
    password: passwordOf,
    loginShell: loginShellOf,
    greetings: greetingsOf,
    hostKeyFingerprint: () => execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '',
    async regenerateHostKey() {
      writeHostKey(dir);
      const pid = readPid(join(dir, 'sshd.pid'));
      if (pid !== null) process.kill(pid, 'SIGHUP');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await waitFor(`sshd of ${info.name} after SIGHUP`, dir, () => sshBanner(port));
    },
    setGpus: (next) => writeGpus(dir, next),
    setNvidiaSmiDelay: (seconds) => {
      if (seconds > 0) writeFileSync(join(dir, 'nvidia-smi.delay'), `${seconds}\n`, { mode: 0o644 });
      else rmSync(join(dir, 'nvidia-smi.delay'), { force: true });
    },
    runsOnNode: (pid) => {
      try {
        return readlinkSync(`/proc/${pid}/ns/mnt`) === readFileSync(join(dir, 'holder.mntns'), 'utf8');
      } catch {
        return false;
      }
    },
    cutConnections: (clientPid) => cutConnections(port, clientPid),
    bytesReceivedFrom: (clientPid) => bytesReceivedFrom(port, clientPid),
    docker: () => docker,
    sshArgs: (user) => [
      '-i',
      join(dir, 'keys', user),
      '-p',
      String(port),
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'LogLevel=ERROR',
      `${user}@127.0.0.1`,
    ],
    berthAddArgs: (name, user = 'alice') => [
      'node',
      'add',
      name,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--user',
      user,
      '--identity',
      join(dir, 'keys', user),
      '--accept-new-host-key',
    ],
    async stop() {
      for (const name of ['sshd.pid', 'dockerd.pid', 'holder.pid']) {
        const pid = readPid(join(dir, name));
        if (pid !== null && isAlive(pid)) process.kill(pid, 'SIGTERM');
      }
      const until = Date.now() + 20_000;
      const dockerd = readPid(join(dir, 'dockerd.pid'));
      while (dockerd !== null && isAlive(dockerd) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
      for (const name of ['sshd.pid', 'dockerd.pid', 'holder.pid']) {
        const pid = readPid(join(dir, name));
        if (pid !== null && isAlive(pid)) process.kill(pid, 'SIGKILL');
      }
      try {
        removeBridge(dir);
      } catch {
        // Already gone.
      }
    },
  };
}

async function waitFor(what: string, dir: string, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${START_TIMEOUT_MS / 1000}s; see the logs in ${dir}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** True once something on the port speaks SSH. */
function sshBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(2000, () => (socket.destroy(), resolve(false)));
    socket.once('data', (data: Buffer) => (socket.destroy(), resolve(data.toString().startsWith('SSH-2.0-'))));
    socket.once('error', () => resolve(false));
  });
}
