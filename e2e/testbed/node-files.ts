import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpuCsv, NOOP_HOOK, nvidiaSmiScript } from './stand-ins';
import type { StandInGpu } from './stand-ins';
import { passwordOf, TEST_USERS } from './users';
import type { TestUserName } from './users';

/** Bob's key has a passphrase, so both kinds of key file are tested. */
export const KEY_PASSPHRASES: Partial<Record<TestUserName, string>> = { bob: 'bob-key-passphrase' };

function keygen(file: string, passphrase: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', comment, '-f', file]);
}

function passwordHash(password: string): string {
  return execFileSync('openssl', ['passwd', '-6', '-stdin'], { input: password, encoding: 'utf8' }).trim();
}

/**
 * The node's own /etc/passwd, /etc/group and /etc/shadow (the host's plus the test users) and
 * /home, bind-mounted inside the node's mount namespace, so each node has its own users and homes.
 */
export function writeUsers(dir: string): void {
  const etc = join(dir, 'etc');
  mkdirSync(etc, { recursive: true });
  const passwd = readFileSync('/etc/passwd', 'utf8').trimEnd().split('\n');
  const shadow = readFileSync('/etc/shadow', 'utf8').trimEnd().split('\n');
  const group = readFileSync('/etc/group', 'utf8').trimEnd().split('\n');
  const dockerMembers = TEST_USERS.filter((u) => u.docker).map((u) => u.name);
  const withDocker = group.map((line) => (line.startsWith('docker:') ? `${line}${line.endsWith(':') ? '' : ','}${dockerMembers.join(',')}` : line));

  for (const user of TEST_USERS) {
    passwd.push(`${user.name}:x:${user.uid}:${user.uid}:${user.name}:/home/${user.name}:/bin/bash`);
    shadow.push(`${user.name}:${passwordHash(passwordOf(user.name))}:19000:0:99999:7:::`);
    withDocker.push(`${user.name}:x:${user.uid}:`);

    const home = join(dir, 'home', user.name);
    mkdirSync(join(home, '.ssh'), { recursive: true });
    const key = join(dir, 'keys', user.name);
    mkdirSync(join(dir, 'keys'), { recursive: true });
    keygen(key, KEY_PASSPHRASES[user.name] ?? '', `${user.name}@berth-test`);
    writeFileSync(join(home, '.ssh', 'authorized_keys'), readFileSync(`${key}.pub`));
    chmodSync(join(home, '.ssh'), 0o700);
    chmodSync(join(home, '.ssh', 'authorized_keys'), 0o600);
    for (const path of [home, join(home, '.ssh'), join(home, '.ssh', 'authorized_keys')]) chownSync(path, user.uid, user.uid);
  }
  if (!withDocker.some((line) => line.startsWith('docker:')))
    throw new Error('The host has no docker group: install docker.io (scripts/install-test-deps.sh).');
  writeFileSync(join(etc, 'passwd'), passwd.join('\n') + '\n');
  writeFileSync(join(etc, 'group'), withDocker.join('\n') + '\n');
  writeFileSync(join(etc, 'shadow'), shadow.join('\n') + '\n', { mode: 0o640 });
}

export function writeHostKey(dir: string): string {
  const key = join(dir, 'ssh', 'host_ed25519');
  mkdirSync(join(dir, 'ssh'), { recursive: true });
  execFileSync('rm', ['-f', key, `${key}.pub`]);
  keygen(key, '', 'berth-test-host');
  return key;
}

export function writeGpus(dir: string, gpus: StandInGpu[]): void {
  writeFileSync(join(dir, 'gpus.csv'), gpuCsv(gpus), { mode: 0o644 });
}

export function writeStandIns(dir: string, gpus: StandInGpu[]): void {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeGpus(dir, gpus);
  if (gpus.length > 0) writeFileSync(join(bin, 'nvidia-smi'), nvidiaSmiScript(join(dir, 'gpus.csv')), { mode: 0o755 });
  writeFileSync(join(bin, 'nvidia-container-runtime-hook'), NOOP_HOOK, { mode: 0o755 });
}

export function writeSshdConfig(dir: string, port: number, hostKey: string, allowStreamLocal: boolean): string {
  const file = join(dir, 'ssh', 'sshd_config');
  writeFileSync(
    file,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'AuthorizedKeysFile .ssh/authorized_keys',
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication yes',
      'UsePAM yes',
      'StrictModes no',
      'PermitRootLogin no',
      'AllowTcpForwarding yes',
      `AllowStreamLocalForwarding ${allowStreamLocal ? 'yes' : 'no'}`,
      // The stand-in nvidia-smi is on this node's PATH only.
      `SetEnv PATH=${join(dir, 'bin')}:/usr/local/bin:/usr/bin:/bin`,
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      'MaxStartups 100:30:200',
      'MaxSessions 200',
      '',
    ].join('\n'),
  );
  return file;
}

/** Runs inside the node's mount namespace: private /run, the node's users and homes, then its daemons. */
export function writeInit(dir: string, sshdConfig: string, bridge: string): string {
  const file = join(dir, 'init.sh');
  writeFileSync(
    file,
    `#!/bin/sh
set -e
D='${dir}'
mount -t tmpfs tmpfs /run
mkdir -p /run/sshd
for f in passwd group shadow; do mount --bind "$D/etc/$f" "/etc/$f"; done
mount --bind "$D/home" /home
# Where Berth keeps its GPU queue on a node (/run/lock is the FHS lock folder, world-writable and sticky).
mkdir -m 1777 /run/lock
PATH="$D/bin:$PATH" dockerd --host=unix:///var/run/docker.sock --host="unix://$D/docker.sock" \\
  --data-root="$D/docker" --exec-root="$D/x" --pidfile="$D/dockerd.pid" \\
  --bridge='${bridge}' --iptables=false --ip-masq=false --ip6tables=false >"$D/dockerd.log" 2>&1 &
/usr/sbin/sshd -D -f '${sshdConfig}' -E "$D/sshd.log" &
wait
`,
    { mode: 0o755 },
  );
  return file;
}
