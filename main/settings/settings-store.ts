import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { BerthError, Settings } from '../../app/contract';
import type { GitLogin, LibrarySettings, SettingsChange } from '../../app/contract';
import { VersionedFile } from '../config/versioned-file';

/** The user's settings in the config folder; every window hears of a change. */
export class SettingsStore extends EventEmitter<{ changed: [Settings] }> {
  private readonly file: VersionedFile<Settings>;

  constructor(configDir: string) {
    super();
    this.file = new VersionedFile(join(configDir, 'settings.json'), 1, Settings, () => Settings.parse({}), 'your settings');
  }

  async get(): Promise<Settings> {
    return (await this.file.load()).value;
  }

  update(change: SettingsChange): Promise<Settings> {
    return this.change((now) => ({
      ...now,
      terminal: { ...now.terminal, ...change.terminal },
      git: { ...now.git, ...change.git },
      sessions: { ...now.sessions, ...change.sessions },
      notifications: { ...now.notifications, ...change.notifications },
    }));
  }

  setLibrary(library: LibrarySettings): Promise<Settings> {
    return this.change((now) => ({ ...now, library }));
  }

  setGitLogins(logins: GitLogin[]): Promise<Settings> {
    return this.change((now) => ({ ...now, git: { ...now.git, logins } }));
  }

  private async change(edit: (now: Settings) => Settings): Promise<Settings> {
    const { value, written } = await this.file.update((now, loaded) => {
      // An unreadable file was kept aside by load(); saving now starts a new one, which is what the user asked for.
      if (loaded.problem?.includes('newer Berth')) throw new BerthError('unavailable', loaded.problem);
      return Settings.parse(edit(now));
    });
    // Nothing changed (a library command re-checking its login, a Save with nothing edited): no write, no event.
    if (written) this.emit('changed', value);
    return value;
  }
}
