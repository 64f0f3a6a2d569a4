import { join } from 'node:path';
import { z } from 'zod';
import { Bookmark, BerthError } from '../../app/contract';
import { VersionedFile } from '../config/versioned-file';

/** The user's node bookmarks, in bookmarks.json in the config folder (schema-versioned, changed under its lock, written atomically). */
export class BookmarkStore {
  private readonly file: VersionedFile<Bookmark[]>;
  private cache: Bookmark[] | null = null;
  private cachedVersion = '';
  problem: string | undefined;

  constructor(configDir: string) {
    this.file = new VersionedFile(join(configDir, 'bookmarks.json'), 1, z.array(Bookmark), () => [], 'your node bookmarks');
  }

  /** The bookmarks, read again whenever the file changed: the CLI and the app share it. */
  async all(): Promise<Bookmark[]> {
    const version = await this.file.changeToken();
    if (this.cache === null || version !== this.cachedVersion) {
      const loaded = await this.file.load();
      this.cache = loaded.value;
      this.problem = loaded.problem;
      this.cachedVersion = version;
    }
    return this.cache;
  }

  async get(name: string): Promise<Bookmark> {
    return named(await this.all(), name);
  }

  async add(bookmark: Bookmark): Promise<void> {
    await this.change((all) => {
      if (all.some((existing) => existing.name === bookmark.name)) {
        throw new BerthError('invalid-params', `A node named "${bookmark.name}" exists already. Pick another name, or remove that one first.`);
      }
      return [...all, bookmark];
    });
  }

  async replace(name: string, bookmark: Bookmark): Promise<void> {
    await this.change((all) => {
      named(all, name);
      if (bookmark.name !== name && all.some((existing) => existing.name === bookmark.name)) {
        throw new BerthError('invalid-params', `A node named "${bookmark.name}" exists already.`);
      }
      return all.map((existing) => (existing.name === name ? bookmark : existing.jump === name ? { ...existing, jump: bookmark.name } : existing));
    });
  }

  async remove(name: string): Promise<void> {
    await this.change((all) => {
      named(all, name);
      const users = all.filter((bookmark) => bookmark.jump === name).map((bookmark) => bookmark.name);
      if (users.length > 0)
        throw new BerthError(
          'invalid-params',
          `${users.join(', ')} ${users.length === 1 ? 'jumps' : 'jump'} through "${name}": change or remove ${users.length === 1 ? 'it' : 'them'} first.`,
        );
      return all.filter((bookmark) => bookmark.name !== name);
    });
  }

  /** A read-modify-write under the file's lock: another Berth adding a node at the same moment keeps its node. */
  private async change(edit: (all: Bookmark[]) => Bookmark[]): Promise<void> {
    const { value } = await this.file.update((all) => {
      const next = edit(all);
      checkJumps(next);
      return next;
    });
    this.cache = value;
    this.cachedVersion = await this.file.changeToken();
    this.problem = undefined;
  }
}

function named(all: Bookmark[], name: string): Bookmark {
  const found = all.find((bookmark) => bookmark.name === name);
  if (!found)
    throw new BerthError('not-found', `There is no node named "${name}". See the names with \`berth node list\`, or add it with \`berth node add\`.`);
  return found;
}

/** Every jump names a bookmark, and no chain of jumps comes back on itself. */
function checkJumps(bookmarks: Bookmark[]): void {
  const byName = new Map(bookmarks.map((bookmark) => [bookmark.name, bookmark]));
  for (const bookmark of bookmarks) {
    const seen = [bookmark.name];
    let jump = bookmark.jump;
    while (jump !== undefined) {
      if (!byName.has(jump))
        throw new BerthError('invalid-params', `${bookmark.name} jumps through "${jump}", which is not a bookmarked node. Add it first.`);
      if (seen.includes(jump)) throw new BerthError('invalid-params', `The jumps ${[...seen, jump].join(' → ')} go round in a circle.`);
      seen.push(jump);
      jump = byName.get(jump)?.jump;
    }
  }
}
