import { readFile, stat } from 'node:fs/promises';
import { UsageError } from './usage-error';

/** A password read from a file, only if no one else can read that file; a trailing newline is not part of it. */
export async function readSecretFile(path: string): Promise<string> {
  const info = await stat(path).catch(() => {
    throw new UsageError(`the secret file ${path} does not exist.`);
  });
  if ((info.mode & 0o077) !== 0) {
    throw new UsageError(`${path} can be read by others (mode ${(info.mode & 0o777).toString(8)}): run \`chmod 600 ${path}\` first.`);
  }
  if (process.getuid && info.uid !== process.getuid()) throw new UsageError(`${path} belongs to another user; use a file of your own.`);
  return (await readFile(path, 'utf8')).replace(/\r?\n$/, '');
}
