import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The built `berth` command, as `npx berth` runs it. */
export const BERTH = new URL('../../bin/berth.js', import.meta.url).pathname;

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface CliUser {
  home: string;
  /** HOME and BERTH_HOME of this user: their bookmarks, settings and known hosts. */
  env: NodeJS.ProcessEnv;
  /** Runs `berth ARGS…` as this user with no terminal (output piped), as scripts do. */
  berth: (...args: string[]) => CliRun;
}

/** A user of the CLI with a home and config folder of their own. */
export function cliUser(name: string, timeoutMs = 60_000): CliUser {
  const home = mkdtempSync(join(tmpdir(), `berth-${name}-`));
  const env = { ...process.env, HOME: home, BERTH_HOME: join(home, 'berth') };
  return {
    home,
    env,
    berth: (...args) => {
      const result = spawnSync(process.execPath, [BERTH, ...args], { encoding: 'utf8', timeout: timeoutMs, env, stdio: ['ignore', 'pipe', 'pipe'] });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    },
  };
}
