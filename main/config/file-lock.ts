import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';
import { BerthError } from '../../app/contract';
import { removeStrayTemps } from './atomic-file';
import { log } from '../log/log';

/** A holder that stops refreshing its lock for this long (crashed, killed) loses it to the next writer. */
const STALE_MS = 10_000;
/** How long a writer waits for the others before giving up: long enough for dozens of CLI runs at once. */
const WAIT_MS = 30_000;

/** Writers of the same file in this process queue here, so they never poll against each other. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while holding the lock on `path`, against every Berth on this computer: the app, any
 * number of CLI processes and `berth serve` all write the same config files. The lock is a folder
 * beside the file (`<file>.lock`, made with mkdir, which is atomic even on network file systems),
 * kept fresh while held and taken over once its holder has died. While held, nobody else can be
 * writing the file, so temporary files left beside it by a crashed writer are removed first.
 */
export function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const before = queues.get(path) ?? Promise.resolve();
  const run = before.catch(() => undefined).then(() => lockedRun(path, work));
  const tail = run.catch(() => undefined);
  queues.set(path, tail);
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path);
  });
  return run;
}

async function lockedRun<T>(path: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  let compromised: Error | undefined;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(path, {
      realpath: false,
      stale: STALE_MS,
      retries: { retries: Math.ceil(WAIT_MS / 150), factor: 1, minTimeout: 20, maxTimeout: 150, randomize: true },
      // The default throws from a timer, which would crash the app: note it and fail this write instead.
      onCompromised: (error) => {
        compromised = error;
      },
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    throw new BerthError(
      'unavailable',
      `Another Berth has been changing ${path} for more than ${WAIT_MS / 1000} s (its lock is ${path}.lock). Try again; if no other Berth is running, remove that folder.`,
    );
  }
  try {
    await removeStrayTemps(path);
    const result = await work();
    if (compromised)
      throw new BerthError(
        'unavailable',
        `Berth lost its lock on ${path} while changing it (${compromised.message}), so another Berth may have changed it at the same time. Check the file and try again.`,
      );
    return result;
  } finally {
    await release().catch(log.ignored('config', `releasing the lock on ${path}`));
  }
}
