import type { Duplex } from 'node:stream';
import { log } from '../log/log';
import type { SshConnection } from './ssh-connection';

/**
 * Why Docker could not be reached, in words that say what to do. OpenSSH's refusal does not say
 * why, so Berth looks at the socket over SFTP (no shell involved) and at the user's groups, to
 * tell a missing socket from one the user may not open from a daemon that does not answer.
 */
export async function explainDockerRefusal(connection: SshConnection, socketPath: string): Promise<string> {
  const { name, user } = connection.bookmark;
  const sftp = await connection.sftp().catch(log.ignored('docker', `${name}: SFTP for explaining a Docker refusal`));
  if (!sftp) return `Docker's socket ${socketPath} on ${name} could not be opened. Check that Docker runs there.`;
  const stats = await new Promise<{ gid: number; mode: number } | null>((resolve) =>
    sftp.stat(socketPath, (error, found) => resolve(error ? null : found)),
  );
  if (!stats) {
    return `There is no Docker socket at ${socketPath} on ${name}. Check that Docker is installed and running there; for rootless Docker, set the bookmark's Docker socket (e.g. /run/user/UID/docker.sock).`;
  }
  const groups = (await connection.run('id -G', [], { what: 'read your groups' }).catch(log.ignored('docker', 'reading groups'))) ?? { stdout: '' };
  const ids = groups.stdout.trim().split(/\s+/);
  if (ids.includes(String(stats.gid)) || (stats.mode & 0o002) !== 0) {
    return `Docker's socket ${socketPath} on ${name} exists, but nothing answered on it. Check that the Docker daemon is running there (systemctl status docker).`;
  }
  const group = await groupName(connection, stats.gid);
  return `Permission denied on ${socketPath} on ${name}: ${user} is not in the ${group} group that owns it. Ask an administrator to run \`sudo usermod -aG ${group} ${user}\`, then reconnect.`;
}

async function groupName(connection: SshConnection, gid: number): Promise<string> {
  const sftp = await connection.sftp();
  const text = await new Promise<string>((resolve) => {
    let content = '';
    const stream = sftp.createReadStream('/etc/group', { encoding: 'utf8' });
    stream.on('data', (chunk: string) => (content += chunk));
    stream.on('error', () => resolve(''));
    stream.on('end', () => resolve(content));
  });
  const line = text.split('\n').find((entry) => entry.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? `gid ${gid}`;
}

/**
 * Where the server refuses stream-local forwarding, `docker system dial-stdio` on the node serves
 * the same API over an exec channel. The socket path is the script's argument, never its text.
 */
export function dialStdio(connection: SshConnection, socketPath: string): Promise<Duplex> {
  return connection.stream('exec docker -H "unix://$1" system dial-stdio', [socketPath]);
}
