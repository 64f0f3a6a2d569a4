import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { KEY_PASSPHRASES } from '../e2e/testbed/user-files';
import type { SessionInfo } from '../app/contract';
import { bedNode } from './support/bed-nodes';
import { BERTH, cliUser } from './support/cli-user';
import { bookmarkFor, callContext, coreFixture } from './support/core-fixture';
import { openTerminal } from './support/session-io';

// Entering another user's session (attach or exec) needs their explicit say-so, like stopping it:
// alice's session on gpu-b, and bob, through the core and through the CLI.
const gpuB = bedNode('gpu-b');
const alice = coreFixture();
const bob = coreFixture();
const bobCli = cliUser('others-bob');
const started: string[] = [];
afterAll(async () => {
  for (const id of started) await alice.call('sessions.stop', { id, force: true }).catch(() => undefined);
  await alice.core.close();
  await bob.core.close();
});

const MARKER = 'alice-private-output-7f3a';
const ready = (async (): Promise<SessionInfo> => {
  alice.trust(gpuB);
  await alice.call('nodes.add', { bookmark: bookmarkFor(gpuB, 'gpu-b', 'alice', { kind: 'key', keyFile: gpuB.keyFile('alice') }) });
  // bob's key has a passphrase; a copy without it lets his CLI runs connect with no terminal to ask at.
  const bobKey = join(bobCli.home, 'bob-key');
  copyFileSync(gpuB.keyFile('bob'), bobKey);
  chmodSync(bobKey, 0o600);
  execFileSync('ssh-keygen', ['-q', '-p', '-P', KEY_PASSPHRASES.bob ?? '', '-N', '', '-f', bobKey]);
  bob.trust(gpuB);
  await bob.call('nodes.add', { bookmark: bookmarkFor(gpuB, 'gpu-b', 'bob', { kind: 'key', keyFile: bobKey }) });
  const added = bobCli.berth(...gpuB.berthAddArgs('b', 'bob').map((arg) => (arg === gpuB.keyFile('bob') ? bobKey : arg)));
  expect(added.stderr).toBe('');
  const session = await alice.call('sessions.create', {
    node: 'gpu-b',
    image: `docker://${BASE_IMAGE}`,
    pull: 'never',
    command: ['sh', '-c', `echo ${MARKER}; exec sleep 600`],
  });
  started.push(session.id);
  return session;
})();

describe("another user's session", () => {
  it('is refused to attach and exec without force, before any of their output is replayed', async () => {
    const session = await ready;
    for (const kind of ['attach', 'exec'] as const) {
      let streams = 0;
      const refused = bob.core.dispatcher.call(
        'terminals.open',
        { session: session.id, kind, command: [], cols: 80, rows: 24 },
        callContext(() => (streams++, { stream: 'never' })),
      );
      await expect(refused).rejects.toThrow(/belongs to alice\. .*needs --force \(in the app, a confirmation\)/);
      expect(streams).toBe(0);
    }
    // Their own session needs no force.
    const own = await openTerminal(alice.core, session.id, 'attach');
    await own.waitFor(MARKER);
    own.close();
  });

  it('is entered with force: attach replays their output, exec runs in it', async () => {
    const session = await ready;
    let output = '';
    const opened = await bob.core.dispatcher.call(
      'terminals.open',
      { session: session.id, kind: 'attach', command: [], cols: 80, rows: 24, force: true },
      callContext((source) => (source.on('data', (chunk: Buffer) => (output += chunk.toString())), { stream: 'attach' })),
    );
    expect(opened).toMatchObject({ session: { id: session.id, owner: 'alice', mine: false } });
    const until = Date.now() + 15_000;
    while (!output.includes(MARKER) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(output).toContain(MARKER);
  });

  it('`berth session attach|exec` refuse it without --force, and exec runs with it', async () => {
    const session = await ready;
    for (const args of [
      ['session', 'attach', session.id],
      ['session', 'exec', session.id, '--', 'echo', 'entered'],
    ]) {
      const refused = bobCli.berth(...args);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toMatch(/belongs to alice\. .*needs --force/);
      expect(refused.stdout).not.toContain(MARKER);
    }
    const forced = spawnSync(process.execPath, [BERTH, 'session', 'exec', '--force', session.id, '--', 'echo', 'entered'], {
      encoding: 'utf8',
      env: bobCli.env,
      timeout: 60_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(forced.stderr).toBe('');
    expect(forced.stdout).toContain('entered');
    expect(forced.status).toBe(0);
  });
});
