import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from '../tests/support/bed-nodes';
import { bookmarkFor, callContext, coreFixture } from '../tests/support/core-fixture';
import type { CoreFixture } from '../tests/support/core-fixture';

// Build-context upload: a 300 MB context (incompressible) to a node's daemon, by Berth (its open SSH
// connection, the context streamed from disk as a tar) and by the docker CLI over DOCKER_HOST=ssh://
// (the legacy builder, which sends the whole context just as Berth does), in the same run. The
// Dockerfile's one step is cached after the first round, so the time is the upload.
const CONTEXT_MB = 300;
const node = bedNode('gpu-a');
const context = mkdtempSync(join(tmpdir(), 'berth-bench-context-'));
const sshHome = mkdtempSync(join(tmpdir(), 'berth-bench-ssh-'));
let fixture: CoreFixture;

beforeAll(async () => {
  writeFileSync(join(context, 'Dockerfile'), `FROM ${BASE_IMAGE}\nLABEL bench=upload\n`);
  const file = openSync(join(context, 'data.bin'), 'w');
  for (let i = 0; i < CONTEXT_MB; i += 1) writeSync(file, randomBytes(1024 * 1024));
  closeSync(file);
  // The docker CLI runs plain `ssh`, which takes its key and host-key policy from a config file:
  // an `ssh` first on PATH hands it one (ssh reads ~/.ssh from the passwd entry, not $HOME).
  const [, key] = node.sshArgs('alice');
  const config = join(sshHome, 'ssh_config');
  writeFileSync(config, `Host 127.0.0.1\n  IdentityFile ${key}\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR\n`, {
    mode: 0o600,
  });
  mkdirSync(join(sshHome, 'bin'));
  writeFileSync(join(sshHome, 'bin', 'ssh'), `#!/bin/sh\nexec /usr/bin/ssh -F '${config}' "$@"\n`, { mode: 0o755 });

  fixture = coreFixture();
  fixture.trust(node);
  await fixture.call('nodes.add', { bookmark: bookmarkFor(node, 'a', 'alice', { kind: 'key', keyFile: node.keyFile('alice') }) });
  await fixture.call('nodes.connect', { name: 'a' });
});

afterAll(async () => {
  await fixture.core.close();
  rmSync(context, { recursive: true, force: true });
  rmSync(sshHome, { recursive: true, force: true });
});

describe(`build context upload, ${CONTEXT_MB} MB`, () => {
  bench(
    'baseline: DOCKER_HOST=ssh://… docker build (legacy builder)',
    async () => {
      const build = spawn('docker', ['build', '-q', '-t', 'bench-upload:docker', context], {
        env: {
          ...process.env,
          PATH: `${join(sshHome, 'bin')}:${process.env.PATH ?? ''}`,
          DOCKER_HOST: `ssh://alice@127.0.0.1:${node.port}`,
          DOCKER_BUILDKIT: '0',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let errors = '';
      build.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => build.once('exit', resolve));
      if (code !== 0) throw new Error(`docker build failed (${code}): ${errors}`);
    },
    { iterations: 3, time: 0, warmupIterations: 1 },
  );

  bench(
    'berth: images.build from a folder',
    async () => {
      const job = (await fixture.core.dispatcher.call(
        'images.build',
        { node: 'a', source: { kind: 'path', path: context }, tag: 'bench-upload:berth' },
        callContext(),
      )) as { state: string; error?: string };
      if (job.state !== 'done') throw new Error(`the build ${job.state}: ${job.error ?? ''}`);
    },
    { iterations: 3, time: 0, warmupIterations: 1 },
  );
});
