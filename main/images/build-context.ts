import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { access, constants, lstat, readdir, readFile, readlink } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import ignore from '@balena/dockerignore';
import tar from 'tar-stream';
import { BerthError } from '../../app/contract';

/** A file (or folder or link) of a build context, read only when the tar reaches it. */
export interface ContextEntry {
  /** Relative, with forward slashes, as tar and Docker want it. */
  path: string;
  type: 'file' | 'directory' | 'symlink';
  size: number;
  mode: number;
  mtime?: Date;
  linkname?: string;
  read(): AsyncIterable<Uint8Array>;
}

export interface Context {
  entries: ContextEntry[];
  /** Size of the tar to send (headers and padding included), for the upload's progress bar. */
  bytes: number;
  /** The Dockerfile's path inside the context. */
  dockerfile: string;
  /** Files .dockerignore left out. */
  ignored: number;
}

const nothing = (): AsyncIterable<Uint8Array> => Readable.from([]);

/** The tar's size: a 512-byte header per entry (two for names tar's 100 bytes cannot hold), content padded to 512, and the closing 1 KiB. */
export function tarSize(entries: Pick<ContextEntry, 'path' | 'size' | 'type'>[]): number {
  return entries.reduce(
    (sum, entry) => sum + 512 + (Buffer.byteLength(entry.path) > 100 ? 1024 : 0) + (entry.type === 'file' ? Math.ceil(entry.size / 512) * 512 : 0),
    1024,
  );
}

/**
 * Which paths of a context Docker would send: .dockerignore's rules as Docker matches them
 * (@balena/dockerignore ports Docker's own matcher), except that the Dockerfile and .dockerignore
 * always go, as the docker CLI sends them even when excluded.
 */
export function contextFilter(dockerignore: string, dockerfile: string): { includes(path: string): boolean; hasExceptions: boolean } {
  const rules = ignore().add(dockerignore);
  const hasExceptions = dockerignore.split(/\r?\n/).some((line) => line.trim().startsWith('!'));
  const always = new Set([dockerfile.replace(/^\.\//, ''), '.dockerignore']);
  return { includes: (path) => always.has(path) || !rules.ignores(path), hasExceptions };
}

/**
 * The build context of a folder (or of a lone Dockerfile: its folder), walked without reading any
 * file: .dockerignore applied, unreadable files found before anything is sent.
 */
export async function folderContext(path: string, dockerfile = 'Dockerfile'): Promise<Context> {
  const stat = await lstat(path).catch(() => null);
  if (stat === null) throw new BerthError('not-found', `There is no file or folder ${path}.`);
  const root = stat.isDirectory() ? path : dirname(path);
  const file = stat.isDirectory() ? dockerfile : basename(path);
  const dockerfileStat = await lstat(join(root, file)).catch(() => null);
  if (!dockerfileStat?.isFile()) {
    throw new BerthError('invalid-params', `There is no ${file} in ${root}. Put a Dockerfile there, or name the one to use with --file.`);
  }
  const dockerignore = await readFile(join(root, '.dockerignore'), 'utf8').catch(() => '');
  const filter = contextFilter(dockerignore, file);

  const entries: ContextEntry[] = [];
  const unreadable: string[] = [];
  let ignored = 0;
  const walk = async (dir: string): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const absolute = join(dir, name);
      const rel = relative(root, absolute).split(sep).join('/');
      const info = await lstat(absolute);
      if (info.isDirectory()) {
        // A folder left out is not walked, unless a ! rule may bring back something inside it.
        if (!filter.includes(rel) && !filter.hasExceptions) {
          ignored += 1;
          continue;
        }
        if (filter.includes(rel)) entries.push({ path: rel, type: 'directory', size: 0, mode: info.mode & 0o7777, mtime: info.mtime, read: nothing });
        await walk(absolute);
      } else if (!filter.includes(rel)) {
        ignored += 1;
      } else if (info.isSymbolicLink()) {
        entries.push({
          path: rel,
          type: 'symlink',
          size: 0,
          mode: info.mode & 0o7777,
          mtime: info.mtime,
          linkname: await readlink(absolute),
          read: nothing,
        });
      } else if (info.isFile()) {
        if (
          !(await access(absolute, constants.R_OK).then(
            () => true,
            () => false,
          ))
        )
          unreadable.push(rel);
        entries.push({
          path: rel,
          type: 'file',
          size: info.size,
          mode: info.mode & 0o7777,
          mtime: info.mtime,
          read: () => createReadStream(absolute),
        });
      }
      // Sockets, pipes and devices are not build material; Docker's CLI leaves them out too.
    }
  };
  await walk(root).catch((error: NodeJS.ErrnoException) => {
    throw new BerthError('unavailable', `The build context ${root} could not be read: ${error.message}.`);
  });
  if (unreadable.length > 0) {
    const shown = unreadable.slice(0, 3).join(', ') + (unreadable.length > 3 ? ` and ${unreadable.length - 3} more` : '');
    throw new BerthError(
      'invalid-params',
      `Berth cannot read ${shown} in the build context ${root}. Make ${unreadable.length > 1 ? 'them' : 'it'} readable, or leave ${unreadable.length > 1 ? 'them' : 'it'} out in .dockerignore.`,
    );
  }
  return { entries, bytes: tarSize(entries), dockerfile: file, ignored };
}

/**
 * A tar of the context, produced as it is read: each file is opened when its turn comes and
 * streamed with backpressure, so a context of any size never sits in memory.
 */
export function packContext(entries: ContextEntry[]): Readable {
  const pack = tar.pack();
  const write = async (): Promise<void> => {
    for (const entry of entries) {
      const header = {
        name: entry.path,
        type: entry.type,
        size: entry.type === 'file' ? entry.size : 0,
        mode: entry.mode,
        ...(entry.mtime ? { mtime: entry.mtime } : {}),
        ...(entry.linkname !== undefined ? { linkname: entry.linkname } : {}),
      };
      if (entry.type !== 'file') {
        pack.entry(header, () => undefined);
        continue;
      }
      let written = 0;
      await new Promise<void>((resolve, reject) => {
        const sink = pack.entry(header, (error) => (error ? reject(error) : resolve()));
        void (async () => {
          for await (const chunk of entry.read()) {
            written += chunk.byteLength;
            if (!sink.write(chunk)) await once(sink, 'drain');
          }
          if (written !== entry.size) throw new Error(`${entry.path} changed while it was being sent (${written} bytes, expected ${entry.size})`);
          sink.end(() => undefined);
        })().catch((error: unknown) => {
          sink.destroy(error instanceof Error ? error : new Error(String(error)));
          reject(error instanceof Error ? error : new Error(String(error)));
        });
      });
    }
    pack.finalize();
  };
  write().catch((error: unknown) => pack.destroy(error instanceof Error ? error : new Error(String(error))));
  return Readable.from(pack);
}
