import { spawn, spawnSync } from 'node:child_process';
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
  /** The same, without blocking: many of these run at once as separate processes. */
  berthAsync: (...args: string[]) => Promise<CliRun>;
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
    berthAsync: (...args) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BERTH, ...args], { timeout: timeoutMs, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      }),
  };
}
