import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gpuCsv, NOOP_HOOK, nvidiaSmiScript } from './stand-ins';
import type { StandInGpu } from './stand-ins';
import { keygen } from './user-files';

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

/** Without the hook, dockerd (which looks for it on its PATH when it starts) refuses GPU requests, as on a node set up without it. */
export function writeStandIns(dir: string, gpus: StandInGpu[], nvidiaHook: boolean): void {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeGpus(dir, gpus);
  if (gpus.length > 0) writeFileSync(join(bin, 'nvidia-smi'), nvidiaSmiScript(join(dir, 'gpus.csv'), join(dir, 'nvidia-smi.delay')), { mode: 0o755 });
  if (nvidiaHook) writeFileSync(join(bin, 'nvidia-container-runtime-hook'), NOOP_HOOK, { mode: 0o755 });
}

export interface SshdLimits {
  allowStreamLocal: boolean;
  /** Channels per connection; OpenSSH's default is 10, the bed's nodes allow 200 unless told otherwise. */
  maxSessions: number;
}

export function writeSshdConfig(dir: string, port: number, hostKey: string, { allowStreamLocal, maxSessions }: SshdLimits): string {
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
      `MaxSessions ${maxSessions}`,
      '',
    ].join('\n'),
  );
  return file;
}

/** Rocky Linux 9's /etc/os-release, as a RHEL-family node has it. */
export const ROCKY_OS_RELEASE = [
  'NAME="Rocky Linux"',
  'VERSION="9.4 (Blue Onyx)"',
  'ID="rocky"',
  'ID_LIKE="rhel centos fedora"',
  'VERSION_ID="9.4"',
  'PLATFORM_ID="platform:el9"',
  'PRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"',
  'ANSI_COLOR="0;32"',
  'CPE_NAME="cpe:/o:rocky:rocky:9::baseos"',
  'HOME_URL="https://rockylinux.org/"',
  'REDHAT_SUPPORT_PRODUCT="Rocky Linux"',
  'REDHAT_SUPPORT_PRODUCT_VERSION="9.4"',
  '',
].join('\n');

// /etc/os-release is a symlink on Debian: the bind lands on its target, so both names say Rocky.
const OS_RELEASE_MOUNT = 'mount --bind "$D/etc/os-release" /etc/os-release\n';

/**
 * Runs inside the node's mount namespace: private /run, /dev/shm and /var/tmp, the node's users and
 * homes, then its daemons. On Debian /run/lock is world-writable and sticky (1777); on RHEL, Rocky and
 * Alma it is 0755 root, so only root may create there. /dev/shm and /var/tmp are 1777 on both.
 */
export function writeInit(dir: string, sshdConfig: string, bridge: string, rhel: boolean): string {
  const file = join(dir, 'init.sh');
  if (rhel) writeFileSync(join(dir, 'etc', 'os-release'), ROCKY_OS_RELEASE, { mode: 0o644 });
  mkdirSync(join(dir, 'var-tmp'), { recursive: true, mode: 0o1777 });
  writeFileSync(
    file,
    `#!/bin/sh
set -e
D='${dir}'
mount -t tmpfs tmpfs /run
mkdir -p /run/sshd
for f in passwd group shadow; do mount --bind "$D/etc/$f" "/etc/$f"; done
mount --bind "$D/home" /home
# Node-local, so a lock one node keeps there is not another node's.
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
chmod 1777 "$D/var-tmp"
mount --bind "$D/var-tmp" /var/tmp
# Where Berth keeps its GPU queue on a node (/run/lock is the FHS lock folder).
mkdir -m ${rhel ? '0755' : '1777'} /run/lock
${rhel ? OS_RELEASE_MOUNT : ''}PATH="$D/bin:$PATH" dockerd --host=unix:///var/run/docker.sock --host="unix://$D/docker.sock" \\
  --data-root="$D/docker" --exec-root="$D/x" --pidfile="$D/dockerd.pid" \\
  --bridge='${bridge}' --iptables=false --ip-masq=false --ip6tables=false >"$D/dockerd.log" 2>&1 &
/usr/sbin/sshd -D -f '${sshdConfig}' -E "$D/sshd.log" &
wait
`,
    { mode: 0o755 },
  );
  return file;
}
