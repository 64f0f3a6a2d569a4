import { join } from 'node:path';
import { z } from 'zod';
import { HistoryEntry } from '../../app/contract';
import { VersionedFile } from '../config/versioned-file';

const KEEP = 500;

/** Stopped sessions, kept on this computer with their exit code and duration (newest first). */
export class HistoryStore {
  private readonly file: VersionedFile<HistoryEntry[]>;

  constructor(configDir: string) {
    this.file = new VersionedFile(join(configDir, 'history.json'), 1, z.array(HistoryEntry), () => [], 'your session history');
  }

  async all(): Promise<HistoryEntry[]> {
    return (await this.file.load()).value;
  }

  async add(entry: HistoryEntry): Promise<void> {
    await this.file.update((all) => [entry, ...all.filter((existing) => existing.id !== entry.id)].slice(0, KEEP));
  }
}
