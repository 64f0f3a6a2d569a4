import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { isAlive, readPid } from './bed-dirs';

export interface RunningDockerd {
  socket: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/**
 * A real Docker daemon (Debian's docker.io) private to one test bed: its own socket, data and exec
 * roots, and its own mount namespace with a fresh /run, so several can run side by side.
 */
export async function startDockerd(dir: string): Promise<RunningDockerd> {
  if (process.getuid?.() !== 0) throw new Error('The test bed starts dockerd and sshd and must run as root.');
  mkdirSync(dir, { recursive: true });
  const socket = join(dir, 'docker.sock');
  const pidFile = join(dir, 'dockerd.pid');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const args = [
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    'mount -t tmpfs tmpfs /run && exec "$@"',
    'sh',
    'dockerd',
    `--host=unix://${socket}`,
    `--data-root=${join(dir, 'docker')}`,
    `--exec-root=${join(dir, 'x')}`,
    `--pidfile=${pidFile}`,
    '--bridge=none',
    '--iptables=false',
    '--ip6tables=false',
  ];
  const child = spawn('unshare', args, { stdio: ['ignore', log, log], detached: true });
  child.unref();

  const docker = new Docker({ socketPath: socket, timeout: 2000 });
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dockerd exited with code ${child.exitCode}; see ${join(dir, 'dockerd.log')}`);
    try {
      await docker.ping();
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`dockerd did not answer within ${START_TIMEOUT_MS / 1000}s; see ${join(dir, 'dockerd.log')}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  return {
    socket,
    async stop(): Promise<void> {
      const pid = readPid(pidFile) ?? child.pid;
      if (pid === undefined || !isAlive(pid)) return;
      process.kill(pid, 'SIGTERM');
      const until = Date.now() + 20_000;
      while (isAlive(pid) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    },
  };
}
