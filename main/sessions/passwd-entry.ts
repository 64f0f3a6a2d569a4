import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import tar from 'tar-stream';
import type { NodeAccount } from './node-account';

/** Reads one file out of a (not yet started) container; null when it does not exist. */
async function readFile(container: Docker.Container, path: string): Promise<string | null> {
  let archive: NodeJS.ReadableStream;
  try {
    archive = await container.getArchive({ path });
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null;
    throw error;
  }
  const extract = tar.extract();
  let content: string | null = null;
  extract.on('entry', (_header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
    stream.on('end', () => {
      content ??= Buffer.concat(chunks).toString('utf8');
      next();
    });
    stream.resume();
  });
  await new Promise<void>((resolve, reject) => {
    extract.on('finish', resolve);
    extract.on('error', reject);
    archive.pipe(extract);
  });
  return content;
}

function withLine(file: string | null, name: string, line: string): string {
  const lines = (file ?? '').split('\n').filter((entry) => entry.length > 0 && entry.split(':')[0] !== name);
  return [...lines, line].join('\n') + '\n';
}

/**
 * Makes the SSH user known inside any image: their passwd and group entries are written into the
 * container's /etc through Docker's archive API before it starts, so `whoami` and the prompt show
 * their name (not "I have no name!") and files in ~ show as theirs.
 */
export async function addAccount(container: Docker.Container, account: NodeAccount): Promise<void> {
  const [passwd, group, bash] = await Promise.all([
    readFile(container, '/etc/passwd'),
    readFile(container, '/etc/group'),
    container.infoArchive({ path: '/bin/bash' }).then(
      () => true,
      () => false,
    ),
  ]);
  const shell = bash ? '/bin/bash' : '/bin/sh';
  const pack = tar.pack();
  const entries = [
    {
      name: 'etc/passwd',
      content: withLine(passwd, account.user, `${account.user}:x:${account.uid}:${account.gid}:${account.user}:${account.home}:${shell}`),
    },
    { name: 'etc/group', content: withLine(group, account.group, `${account.group}:x:${account.gid}:${account.user}`) },
  ];
  pack.entry({ name: 'etc/', type: 'directory', mode: 0o755 });
  for (const entry of entries) pack.entry({ name: entry.name, mode: 0o644 }, entry.content);
  pack.finalize();
  const body = new PassThrough();
  pack.pipe(body);
  await container.putArchive(body, { path: '/' });
}
