import type { DoctorCheck, DoctorReport } from '../../app/contract';
import { log } from '../log/log';
import { readAccount } from '../sessions/node-account';
import { ConnectError } from './connect-error';
import { readGpus } from './inventory';
import type { GpuReading } from './inventory';
import { lookAtFolders, locateLedger } from './ledger-folders';
import type { NodeLink } from './node-link';
import type { SshConnection } from './ssh-connection';

/** More than any sshd's default MaxSessions (10): enough to tell "plenty" from "few". */
const CHANNEL_PROBE = 12;
const SKEW_WARN_S = 5;
const DISK_WARN_BYTES = 10 * 1024 ** 3;

type Check = (found: DoctorCheck[]) => Promise<void>;
const ok = (check: string, detail: string): DoctorCheck => ({ check, status: 'ok', detail });
const warn = (check: string, detail: string, fix: string): DoctorCheck => ({ check, status: 'warn', detail, fix });
const fail = (check: string, detail: string, fix: string): DoctorCheck => ({ check, status: 'fail', detail, fix });
const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * `berth node doctor`: connects on a connection of its own and checks, one line each with a fix,
 * what Berth needs of a node. A newcomer whose node does not work learns what to ask the
 * administrator. Each check stands alone: one that fails does not hide the others.
 */
export async function runDoctor(link: NodeLink): Promise<DoctorReport> {
  const node = link.bookmark.name;
  const checks: DoctorCheck[] = [];
  let ssh: SshConnection;
  try {
    ssh = await link.openSsh();
  } catch (error) {
    checks.push(...connectionProblem(error));
    return { node, checks };
  }
  checks.push(ok('host key', `${link.bookmark.host}:${link.bookmark.port} presented a key Berth knows`));
  checks.push(ok('authentication', `logged in as ${link.bookmark.user} (${link.bookmark.auth.kind})`));
  try {
    const steps: Check[] = [
      (found) => shellChecks(ssh, found),
      (found) => dockerChecks(link, found),
      (found) => gpuChecks(ssh, found),
      (found) => lockChecks(ssh, link, found),
      (found) => channelCheck(ssh, found),
      (found) => clockCheck(ssh, found),
      (found) => diskCheck(ssh, link, found),
    ];
    for (const step of steps) {
      await step(checks).catch((error: unknown) => {
        log.warn('doctor', `${node}: a check could not run`, error);
        checks.push(fail('check', `a check could not run: ${reason(error)}`, 'Run it again; `berth --verbose node doctor` shows the details.'));
      });
    }
  } finally {
    ssh.close();
  }
  return { node, checks };
}

function connectionProblem(error: unknown): DoctorCheck[] {
  if (!(error instanceof ConnectError)) return [fail('connection', reason(error), 'Check the bookmark (host, port, user).')];
  const { state, message = '' } = error.status;
  if (state === 'host-key-unknown')
    return [fail('host key', message, 'Compare the fingerprint with the administrator, then connect from the Nodes view to trust it.')];
  if (state === 'host-key-changed')
    return [fail('host key', message, 'Ask the administrator whether the node was reinstalled before removing the old key.')];
  if (state === 'auth-failed' || state === 'needs-secret')
    return [ok('host key', 'the key is known'), fail('authentication', message, 'Check the user name and the key or password in the bookmark.')];
  return [fail('connection', message, 'Check the address, the VPN, and that sshd runs on the node.')];
}

async function shellChecks(ssh: SshConnection, found: DoctorCheck[]): Promise<void> {
  const account = await readAccount(ssh);
  found.push(ok('login shell', `${account.loginShell}: Berth's commands run in /bin/sh under it`));
  const { preamble } = await ssh.run('true', [], { what: 'run a command' });
  const printed = preamble.trim();
  found.push(
    printed
      ? warn(
          'rc-file output',
          `your rc files print for non-interactive shells: ${JSON.stringify(printed.split('\n')[0]?.slice(0, 80))}`,
          'Berth reads past it, but scp, rsync and an sftp-server subsystem break on it: print only in interactive shells (bash/zsh: [[ $- == *i* ]]; fish: status is-interactive; tcsh: if ($?prompt)).',
        )
      : ok('rc-file output', 'none: commands start clean'),
  );
  try {
    const sftp = await ssh.sftp();
    await new Promise<void>((resolve, reject) => sftp.realpath('.', (error) => (error ? reject(error) : resolve())));
    found.push(ok('sftp', 'works (Git setup writes your files with it)'));
  } catch (error) {
    found.push(
      fail(
        'sftp',
        `SFTP failed: ${reason(error)}`,
        printed
          ? "OpenSSH's sftp-server is started by your login shell, and the text your rc files print corrupts it: make them print only in interactive shells, or ask the administrator for `Subsystem sftp internal-sftp`."
          : 'Ask the administrator to enable the sftp subsystem in sshd_config.',
      ),
    );
  }
}

async function dockerChecks(link: NodeLink, found: DoctorCheck[]): Promise<void> {
  const socket = link.bookmark.dockerSocket;
  try {
    const docker = await link.dockerClient();
    const version = (await docker.version()) as { Version?: string; ApiVersion?: string };
    found.push(ok('docker socket', `${socket} answers, and you may use it`));
    const api = Number(version.ApiVersion ?? '0');
    found.push(
      api >= 1.4
        ? ok('docker api', `Docker ${version.Version ?? '?'}, API ${version.ApiVersion ?? '?'}`)
        : warn(
            'docker api',
            `Docker ${version.Version ?? '?'}, API ${version.ApiVersion ?? '?'}`,
            'Berth needs API 1.40 (Docker 19.03) or newer: ask for a Docker upgrade.',
          ),
    );
    found.push(
      link.status.dockerVia === 'dial-stdio'
        ? warn(
            'direct-streamlocal',
            'sshd refuses socket forwarding, so Docker goes through `docker system dial-stdio`: every Docker connection costs an SSH session channel',
            'Ask the administrator for `AllowStreamLocalForwarding yes` in sshd_config.',
          )
        : ok('direct-streamlocal', 'allowed: Docker rides forwarded channels'),
    );
  } catch (error) {
    const message = error instanceof ConnectError ? (error.status.message ?? reason(error)) : reason(error);
    const group = /not in the (\S+) group/.exec(message);
    found.push(
      fail(
        'docker socket',
        message,
        group
          ? `Ask the administrator to add you to the ${group[1]} group (usermod -aG ${group[1]} ${link.bookmark.user}).`
          : "Check that Docker runs on the node, and the bookmark's Docker socket.",
      ),
    );
  }
}

async function gpuChecks(ssh: SshConnection, found: DoctorCheck[]): Promise<void> {
  const reading: GpuReading = await readGpus(ssh);
  if (reading.smi === 'missing')
    found.push(warn('nvidia-smi', 'not on your PATH: this node has no GPUs for Berth', 'On a GPU node, ask for the NVIDIA driver (nvidia-smi).'));
  else if (reading.smi !== 0)
    found.push(
      fail(
        'nvidia-smi',
        `exited with ${reading.smi}`,
        'The NVIDIA driver is not answering: ask the administrator (nvidia-smi on the node shows why).',
      ),
    );
  else found.push(ok('nvidia-smi', 'answers'));
  found.push(
    reading.gpus.length > 0
      ? ok('gpus', `${reading.gpus.length} (${[...new Set(reading.gpus.map((gpu) => gpu.name))].join(', ')})`)
      : {
          check: 'gpus',
          status: reading.smi === 'missing' ? 'skip' : 'warn',
          detail: 'none found',
          ...(reading.smi === 'missing' ? {} : { fix: 'nvidia-smi lists no GPUs: ask the administrator.' }),
        },
  );
  if (reading.gpus.length > 0 || reading.smi !== 'missing') {
    found.push(
      reading.nvidiaHook
        ? ok('nvidia container hook', 'installed: Docker can hand out GPUs')
        : fail(
            'nvidia container hook',
            'nvidia-container-runtime-hook is missing, so Docker cannot give a container its GPUs',
            'Ask the administrator to install the NVIDIA Container Toolkit (nvidia-container-toolkit) and restart Docker.',
          ),
    );
  }
}

async function lockChecks(ssh: SshConnection, link: NodeLink, found: DoctorCheck[]): Promise<void> {
  const named = link.bookmark.lockDir;
  if (named) {
    const [state] = await lookAtFolders(ssh, [named]);
    if (state && !(state.exists ? state.writable : state.creatable)) {
      found.push(
        fail(
          'lock folder',
          `the bookmark's GPU queue folder ${named} is not writable for you${state.exists ? ` (owner ${state.owner}, mode ${state.mode})` : ''}; Berth falls back to the next one`,
          `Ask the administrator to make it world-writable and sticky (chmod 1777 ${named}), or clear the bookmark's GPU queue folder.`,
        ),
      );
    }
  }
  const ledger = await locateLedger(ssh, named);
  const others = ledger.all.filter((path) => path !== ledger.primary);
  found.push(ok('lock folder', `the GPU queue lives in ${ledger.primary}${others.length ? `; the lock is also taken on ${others.join(', ')}` : ''}`));
  for (const problem of ledger.problems) {
    found.push(
      warn(
        'lock folder',
        problem,
        'Its owner (or the administrator) should make it world-writable and sticky (chmod 1777); until then Berth queues in the next folder.',
      ),
    );
  }
}

async function channelCheck(ssh: SshConnection, found: DoctorCheck[]): Promise<void> {
  const free = await ssh.freeSessionChannels(CHANNEL_PROBE);
  found.push(
    free >= CHANNEL_PROBE
      ? ok('ssh channels', `at least ${CHANNEL_PROBE} session channels free per connection`)
      : warn(
          'ssh channels',
          `sshd grants ${free} more session channel${free === 1 ? '' : 's'} per connection (MaxSessions); Berth opens further connections when it needs more`,
          'Many tabs and a waiting queue need channels: ask the administrator to raise MaxSessions in sshd_config (10 is the default).',
        ),
  );
}

async function clockCheck(ssh: SshConnection, found: DoctorCheck[]): Promise<void> {
  const before = Date.now();
  const { stdout } = await ssh.runOk('date +%s%N', [], { what: "read the node's clock" });
  const after = Date.now();
  const skew = Number(BigInt(stdout.trim() || '0') / 1_000_000n) - (before + after) / 2;
  const seconds = Math.abs(skew) / 1000;
  found.push(
    seconds > SKEW_WARN_S
      ? warn(
          'clock',
          `the node's clock is ${seconds.toFixed(1)} s ${skew > 0 ? 'ahead of' : 'behind'} this computer's`,
          "Times shown for sessions will be off: ask for NTP (chrony, systemd-timesyncd) on the node, or check this computer's clock.",
        )
      : ok('clock', `within ${Math.max(seconds, 0.1).toFixed(1)} s of this computer's`),
  );
}

async function diskCheck(ssh: SshConnection, link: NodeLink, found: DoctorCheck[]): Promise<void> {
  const info = (await (await link.dockerClient()).info().catch(log.ignored('doctor', 'reading Docker info for the disk check'))) as
    { DockerRootDir?: string } | undefined;
  const root = info?.DockerRootDir ?? '/var/lib/docker';
  const { stdout } = await ssh.run('df -Pk "$1" 2>/dev/null | tail -n 1', [root], { what: 'read the free disk space' });
  const kib = Number(stdout.trim().split(/\s+/)[3]);
  if (!Number.isFinite(kib)) {
    found.push({ check: 'disk', status: 'skip', detail: `could not read the free space of ${root}` });
    return;
  }
  const bytes = kib * 1024;
  const text = `${(bytes / 1024 ** 3).toFixed(1)} GiB free for images in ${root}`;
  found.push(
    bytes < DISK_WARN_BYTES
      ? warn('disk', text, 'Images need room: remove unused ones (Images view, or docker image prune), or ask for more disk.')
      : ok('disk', text),
  );
}
