import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join } from 'node:path';
import { removeBridge } from './bridge';

/**
 * Every test bed lives in its own folder under one root, with the pid of the test run that owns it.
 * A run that crashed leaves its folder behind; the next run finds the owner dead and clears it
 * (stopping any daemon still running there), so a crash never breaks the next run.
 */
const ROOT = '/tmp/berth-beds';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readPid(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Stops every daemon whose pid file sits in `dir` or its test nodes' folders, then removes it. */
export function clearBedDir(dir: string): void {
  const names = namesIn(dir);
  for (const name of names) {
    if (!name.endsWith('.pid') || name === 'owner.pid' || name.includes('/docker/')) continue;
    const pid = readPid(join(dir, name));
    if (pid !== null && isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  for (const name of names) {
    if (!name.endsWith('holder.mntns')) continue;
    killLeftInNamespace(join(dir, name, '..'), readFileSync(join(dir, name), 'utf8').trim());
  }
  for (const name of names) {
    if (!name.endsWith('bridge.name')) continue;
    try {
      removeBridge(join(dir, name, '..'));
    } catch {
      // Already gone.
    }
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * Processes that no pid file names but that live on in a node's mount namespace after its daemons
 * (Slurm job steps, which outlive slurmd; a session's shell): a process is the node's when it is in
 * the namespace the node recorded AND has the node's own /home mounted, so a namespace number that
 * the kernel gave again to another run's namespace never matches.
 */
function killLeftInNamespace(nodeDir: string, namespace: string): void {
  if (!/^mnt:\[\d+\]$/.test(namespace)) return;
  const homeMount = ` ${join(nodeDir, 'home')} /home `;
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readlinkSync(`/proc/${pid}/ns/mnt`) !== namespace) continue;
      if (!readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(homeMount)) continue;
      process.kill(pid, 'SIGKILL');
    } catch {
      // It ended while we looked, or is not ours to read.
    }
  }
}

/**
 * Every name under `dir`, symlinks not followed (a node user's link to / must not walk the
 * machine, nor make its pid files look like the bed's); none when another run is clearing it at
 * the same time (a folder vanished mid-walk).
 */
function namesIn(dir: string): string[] {
  const names: string[] = [];
  const walk = (relative: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(dir, relative), { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') return;
      throw error;
    }
    for (const entry of entries) {
      const name = relative ? join(relative, entry.name) : entry.name;
      names.push(name);
      if (entry.isDirectory()) walk(name);
    }
  };
  walk('');
  return names;
}

export function newBedDir(): string {
  mkdirSync(ROOT, { recursive: true });
  for (const name of readdirSync(ROOT)) {
    const dir = join(ROOT, name);
    const owner = readPid(join(dir, 'owner.pid'));
    if (owner === null || !isAlive(owner)) clearBedDir(dir);
  }
  // Short paths: containerd's sockets live under here and unix socket paths are limited to 108 bytes.
  const dir = mkdtempSync(join(ROOT, 'b'));
  // The nodes' users run the stand-in tools from here.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  return dir;
}
