import { randomBytes } from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';
import { log } from '../log/log';

const NO_SUCH_FILE = 2;

function call<T>(run: (done: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value))));
}

/** The SSH user's home on the node, as the server resolves "." . */
export function homeDir(sftp: SFTPWrapper): Promise<string> {
  return call<string>((done) => sftp.realpath('.', done));
}

/** A file's text, or '' when there is none. */
export async function readText(sftp: SFTPWrapper, path: string): Promise<string> {
  try {
    return (await call<Buffer>((done) => sftp.readFile(path, done))).toString('utf8');
  } catch (error) {
    if ((error as { code?: number }).code === NO_SUCH_FILE) return '';
    throw error;
  }
}

/**
 * Replaces a file's contents whole, written as data over SFTP (never through a shell): a temporary
 * file with the mode, then renamed over it, so a dropped connection leaves the old file or the new
 * one. A symlinked file (dotfile managers) is written at its target, keeping the link. `mode` is
 * exact for secrets; `{ newFile }` is only for a file that does not exist yet, so an existing
 * file keeps the mode its owner chose (a 0600 ~/.gitconfig stays 0600).
 */
export async function writeText(sftp: SFTPWrapper, path: string, text: string, mode: number | { newFile: number }): Promise<void> {
  const target = await call<string>((done) => sftp.realpath(path, done)).catch(() => path);
  const exact = typeof mode === 'number' ? mode : ((await existingMode(sftp, target)) ?? mode.newFile);
  const temporary = `${target}.berth-${randomBytes(4).toString('hex')}`;
  await call<undefined>((done) => sftp.writeFile(temporary, text, { mode: exact }, (error) => done(error, undefined)));
  try {
    // writeFile's mode applies only to a new file under the umask; say it exactly.
    await call<undefined>((done) => sftp.chmod(temporary, exact, (error) => done(error, undefined)));
    await call<undefined>((done) => sftp.ext_openssh_rename(temporary, target, (error) => done(error, undefined)));
  } catch (error) {
    await call<undefined>((done) => sftp.unlink(temporary, (e) => done(e, undefined))).catch(
      log.ignored('git', `removing ${temporary} after a failed write`),
    );
    throw error;
  }
}

/** The permission bits of a file, or null when there is none. */
async function existingMode(sftp: SFTPWrapper, path: string): Promise<number | null> {
  try {
    return (await call<{ mode: number }>((done) => sftp.stat(path, done))).mode & 0o7777;
  } catch (error) {
    if ((error as { code?: number }).code === NO_SUCH_FILE) return null;
    throw error;
  }
}

/** Removes a file; one that is not there is fine. */
export async function removeFile(sftp: SFTPWrapper, path: string): Promise<void> {
  try {
    await call<undefined>((done) => sftp.unlink(path, (error) => done(error, undefined)));
  } catch (error) {
    if ((error as { code?: number }).code !== NO_SUCH_FILE) throw error;
  }
}
