import { copyFile, readFile, stat } from 'node:fs/promises';
import type { z } from 'zod';
import { describeIssues } from '../../app/contract';
import { writeFileAtomic } from './atomic-file';
import { withFileLock } from './file-lock';

export type Loaded<T> = { value: T; problem?: string };
export type Updated<T> = { value: T; written: boolean };

/**
 * A JSON file with a schema version. A file that cannot be read is never silently replaced: it is
 * copied aside and the problem is reported in plain words. A file from a newer Berth is refused for
 * writing, so an older app never clobbers it. Every change is a read-modify-write under the file's
 * lock, so Berths changing it at once (the app, CLI runs) each see the others' changes.
 */
export class VersionedFile<T> {
  private readOnlyReason: string | null = null;

  constructor(
    private readonly path: string,
    private readonly version: number,
    private readonly schema: z.ZodType<T>,
    private readonly empty: () => T,
    private readonly what: string,
  ) {}

  async load(): Promise<Loaded<T>> {
    this.readOnlyReason = null;
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { value: this.empty() };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return this.keepAside(`it is not valid JSON (${(error as Error).message})`);
    }
    const version = typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined;
    if (typeof version === 'number' && version > this.version) {
      this.readOnlyReason = `${this.path} was written by a newer Berth (format ${version}; this one knows ${this.version}). Update Berth to change ${this.what}.`;
      return { value: this.empty(), problem: this.readOnlyReason };
    }
    if (version !== this.version) return this.keepAside(`it has no known format version (found ${JSON.stringify(version)})`);
    const checked = this.schema.safeParse((parsed as { data?: unknown }).data);
    if (!checked.success) return this.keepAside(describeIssues(checked.error, 'data').slice(0, 3).join('; '));
    return { value: checked.data };
  }

  /** A token that changes when the file does (another Berth, or the CLI, wrote it). */
  async changeToken(): Promise<string> {
    const info = await stat(this.path).catch(() => null);
    return info ? `${info.mtimeMs}:${info.size}:${info.ino}` : 'absent';
  }

  /**
   * Reads the file and writes what `edit` makes of it, with no other Berth writing in between. An
   * edit that throws writes nothing; one that changes nothing (of a readable file) writes nothing.
   */
  update(edit: (current: T, loaded: Loaded<T>) => T | Promise<T>): Promise<Updated<T>> {
    return withFileLock(this.path, async () => {
      const loaded = await this.load();
      const next = await edit(loaded.value, loaded);
      if (!loaded.problem && JSON.stringify(next) === JSON.stringify(loaded.value)) return { value: next, written: false };
      await this.write(next);
      return { value: next, written: true };
    });
  }

  /** Replaces the whole content, whatever it was (read first all the same, so a newer Berth's file is never clobbered). */
  async save(value: T): Promise<void> {
    await this.update(() => value);
  }

  private async write(value: T): Promise<void> {
    if (this.readOnlyReason) throw new Error(this.readOnlyReason);
    await writeFileAtomic(this.path, JSON.stringify({ version: this.version, data: value }, null, 2) + '\n');
  }

  private async keepAside(reason: string): Promise<Loaded<T>> {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const backup = `${this.path}.unreadable-${stamp}`;
    await copyFile(this.path, backup);
    return {
      value: this.empty(),
      problem: `Berth could not read ${this.what} in ${this.path}: ${reason}. The file was kept as ${backup}; Berth starts without it, and saving replaces ${this.path}. Copy entries back from the kept file if you need them.`,
    };
  }
}
