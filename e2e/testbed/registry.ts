import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from './bed-dirs';
import { freePort } from './free-port';

/** What a test needs to use the bed's registry as the team's image library. */
export interface TestRegistryInfo {
  /** host:port, as Docker references name a registry. */
  address: string;
  username: string;
  password: string;
}

/** A registry anyone on the network may pull from and push to, as on a cluster's private network. */
export interface TestAnonymousRegistryInfo {
  /** host:port, as Docker references name a registry. */
  address: string;
}

export interface TestRegistry extends TestRegistryInfo {
  stop(): Promise<void>;
}

export interface TestAnonymousRegistry extends TestAnonymousRegistryInfo {
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const USER = 'team';
const PASSWORD = 'library-pass';

/**
 * Debian's docker-registry (the CNCF distribution registry) on a loopback port, with htpasswd
 * logins, standing for the registry a team already runs. Every dockerd of the bed shares the host's
 * network, and Docker talks plain HTTP to registries on 127.0.0.0/8 without being told.
 */
export async function startRegistry(dir: string): Promise<TestRegistry> {
  mkdirSync(dir, { recursive: true });
  const htpasswd = execFileSync('htpasswd', ['-nbB', USER, PASSWORD], { encoding: 'utf8' });
  writeFileSync(join(dir, 'htpasswd'), htpasswd);
  const registry = await serveRegistry(dir, `auth: { htpasswd: { realm: berth-test, path: ${join(dir, 'htpasswd')} } }`);
  return { ...registry, username: USER, password: PASSWORD };
}

/** The same registry without any auth section: every request is answered, with no login. */
export function startAnonymousRegistry(dir: string): Promise<TestAnonymousRegistry> {
  return serveRegistry(dir, undefined);
}

async function serveRegistry(dir: string, auth: string | undefined): Promise<TestAnonymousRegistry> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log: { level: warn }',
      'storage:',
      `  filesystem: { rootdirectory: ${join(dir, 'data')} }`,
      '  delete: { enabled: true }',
      `http: { addr: "127.0.0.1:${port}" }`,
      ...(auth ? [auth] : []),
      '',
    ].join('\n'),
  );
  const log = openSync(join(dir, 'registry.log'), 'a');
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', log, log], detached: true });
  child.unref();
  if (child.pid !== undefined) writeFileSync(join(dir, 'registry.pid'), String(child.pid));

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`docker-registry exited with code ${child.exitCode}; see ${join(dir, 'registry.log')}`);
    // An answer of any kind (401 without a login) means it listens.
    const answered = await fetch(`http://127.0.0.1:${port}/v2/`).then(
      () => true,
      () => false,
    );
    if (answered) break;
    if (Date.now() > deadline) throw new Error(`docker-registry did not answer within ${START_TIMEOUT_MS / 1000}s; see ${join(dir, 'registry.log')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    address: `127.0.0.1:${port}`,
    stop(): Promise<void> {
      if (child.pid !== undefined && isAlive(child.pid)) process.kill(child.pid, 'SIGKILL');
      return Promise.resolve();
    },
  };
}
