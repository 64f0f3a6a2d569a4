import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Each test node's dockerd gets a Linux bridge of its own, so containers have networking and
 * ports can be published on 127.0.0.1, although all nodes share the machine's network namespace
 * (several dockerds cannot share docker0). No NAT, no iptables: traffic stays on this machine.
 */
export function createBridge(dir: string): string {
  const used = execFileSync('ip', ['-4', '-o', 'addr', 'show'], { encoding: 'utf8' });
  const name = `berth-${randomBytes(3).toString('hex')}`;
  for (let attempt = 0; attempt < 50; attempt++) {
    const subnet = `172.31.${1 + ((randomBytes(1)[0] ?? 0) % 250)}`;
    if (used.includes(`${subnet}.`)) continue;
    execFileSync('ip', ['link', 'add', name, 'type', 'bridge']);
    writeFileSync(join(dir, 'bridge.name'), name);
    execFileSync('ip', ['addr', 'add', `${subnet}.1/24`, 'dev', name]);
    execFileSync('ip', ['link', 'set', name, 'up']);
    return name;
  }
  throw new Error('No free 172.31.x.0/24 subnet for a test node bridge.');
}

/** Removes the bridge a node folder records, if it is still there. */
export function removeBridge(dir: string): void {
  const file = join(dir, 'bridge.name');
  if (!existsSync(file)) return;
  const name = readFileSync(file, 'utf8').trim();
  if (/^berth-[0-9a-f]{6}$/.test(name)) execFileSync('ip', ['link', 'del', name], { stdio: 'ignore' });
}
