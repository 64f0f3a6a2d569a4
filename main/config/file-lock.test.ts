import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VersionedFile } from './versioned-file';
import { writeFileAtomic } from './atomic-file';

function things(path: string): VersionedFile<string[]> {
  return new VersionedFile(path, 1, z.array(z.string()), () => [], 'your things');
}

function freshPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'berth-lock-')), 'things.json');
}

const stored = (path: string): string[] => (JSON.parse(readFileSync(path, 'utf8')) as { data: string[] }).data;

describe('read-modify-write under the file lock', () => {
  it('keeps every change when twenty writers each read, change and write at once', async () => {
    const path = freshPath();
    // Twenty separate stores, as twenty windows or CLI runs would hold, each adding its own entry.
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        things(path).update(async (all) => {
          // Yield between the read and the write, where an unlocked writer would lose the others' entries.
          await new Promise((resolve) => setTimeout(resolve, 2));
          return [...all, `entry-${n}`];
        }),
      ),
    );
    expect(stored(path).sort()).toEqual(Array.from({ length: 20 }, (_, n) => `entry-${n}`).sort());
  });

  it('waits for another process holding the lock, then applies its change on top of that one', async () => {
    const path = freshPath();
    await things(path).save(['first']);
    // Another Berth holds the lock (the same lock folder the library makes, as a separate process would).
    const release = await lockfile.lock(path, { realpath: false });
    let done = false;
    const update = things(path)
      .update((all) => [...all, 'mine'])
      .then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(done).toBe(false);
    // The holder writes its own change before it lets go.
    await writeFileAtomic(path, JSON.stringify({ version: 1, data: ['first', 'theirs'] }));
    await release();
    await update;
    expect(stored(path)).toEqual(['first', 'theirs', 'mine']);
  });

  it('takes over the lock of a writer that died holding it', async () => {
    const path = freshPath();
    // A crashed writer's lock folder, not refreshed for a minute.
    mkdirSync(`${path}.lock`);
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${path}.lock`, old, old);
    await things(path).update(() => ['after the crash']);
    expect(stored(path)).toEqual(['after the crash']);
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('removes the temporary files a crashed writer left beside the file, and no others', async () => {
    const path = freshPath();
    const dir = join(path, '..');
    writeFileSync(join(dir, '.things.json.0123456789ab.tmp'), '{"version":1,"data":["torn');
    writeFileSync(join(dir, '.other.json.0123456789ab.tmp'), 'another file of its own');
    await things(path).update(() => ['new']);
    expect(readdirSync(dir).sort()).toEqual(['.other.json.0123456789ab.tmp', 'things.json']);
  });

  it('writes nothing when the change throws, and lets the next writer in', async () => {
    const path = freshPath();
    await things(path).save(['kept']);
    await expect(
      things(path).update(() => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await things(path).update((all) => [...all, 'next']);
    expect(stored(path)).toEqual(['kept', 'next']);
  });
});
