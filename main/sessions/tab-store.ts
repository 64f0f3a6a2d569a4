import { join } from 'node:path';
import { z } from 'zod';
import { RememberedTab } from '../../app/contract';
import { VersionedFile } from '../config/versioned-file';

/** The terminal tabs open when Berth last ran, so the next start can offer them again. */
export class TabStore {
  private readonly file: VersionedFile<RememberedTab[]>;

  constructor(configDir: string) {
    this.file = new VersionedFile(join(configDir, 'terminal-tabs.json'), 1, z.array(RememberedTab), () => [], 'your open terminal tabs');
  }

  async all(): Promise<RememberedTab[]> {
    return (await this.file.load()).value;
  }

  async replace(tabs: RememberedTab[]): Promise<void> {
    await this.file.save(tabs);
  }
}
