import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { newConfigHome } from './config-home';

export interface BerthServe {
  /** The URL serve printed, token included. */
  url: string;
  /** The same address without the token. */
  origin: string;
  configDir: string;
  /** The serve process: its SSH connections are the ones a test may cut. */
  pid: number;
  stop(): Promise<void>;
}

const BIN = new URL('../bin/berth.js', import.meta.url).pathname;

/** Runs the real `berth serve` with its own config folder (or a given one, to restart it), against the bed's Docker. */
export async function startBerthServe(env: NodeJS.ProcessEnv, configDir = newConfigHome('berth-e2e-home-')): Promise<BerthServe> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, ...env, BERTH_HOME: configDir, HOME: configDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`berth serve printed no URL within 20s:\n${output}`)), 20_000);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`berth serve exited with ${code}:\n${output}`)));
  });
  return {
    url,
    origin: url.replace(/\/#.*$/, ''),
    configDir,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
