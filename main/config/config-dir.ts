import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Berth keeps bookmarks, settings and known host keys. BERTH_HOME wins; otherwise each OS's
 * usual place, so the desktop app, the CLI and `berth serve` all share one folder.
 */
export function configDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.BERTH_HOME) return env.BERTH_HOME;
  switch (platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Berth');
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Berth');
    default:
      return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'berth');
  }
}
