import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Temporary files of older Berths carried no target name; they are removed only once surely abandoned. */
const UNNAMED_TEMP = /^\.[0-9a-f]{12}\.tmp$/;
const UNNAMED_TEMP_AGE_MS = 60 * 60_000;

function tempPrefix(path: string): string {
  return `.${basename(path)}.`;
}

/**
 * Writes a file so that a crash at any moment leaves either the old content or the new, never a
 * torn file: write a temporary file beside it, fsync it, rename it over, fsync the folder. The
 * temporary file is named for its target, so whoever holds the target's lock can tell its strays.
 */
export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `${tempPrefix(path)}${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', mode);
  try {
    await file.writeFile(data);
    await file.sync();
  } catch (error) {
    await file.close();
    await rm(temp, { force: true });
    throw error;
  }
  await file.close();
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  const folder = await open(dir, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/**
 * Removes the temporary files a crashed writer left beside `path`. Call it only while holding the
 * lock on `path` (see withFileLock): then no live writer of that file can own one of them.
 */
export async function removeStrayTemps(path: string): Promise<void> {
  const dir = dirname(path);
  const prefix = tempPrefix(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const ours = name.startsWith(prefix) && name.endsWith('.tmp');
    if (ours || (UNNAMED_TEMP.test(name) && (await olderThan(join(dir, name), UNNAMED_TEMP_AGE_MS)))) {
      await rm(join(dir, name), { force: true });
    }
  }
}

async function olderThan(path: string, ms: number): Promise<boolean> {
  const info = await stat(path).catch(() => null);
  return info !== null && Date.now() - info.mtimeMs > ms;
}
