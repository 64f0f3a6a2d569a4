import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from '../tests/support/bed-nodes';
import { bookmarkFor, callContext, coreFixture } from '../tests/support/core-fixture';
import { untilPrompt } from './support/until-prompt';
import type { CoreFixture } from '../tests/support/core-fixture';

// Create-to-prompt: from asking for a session to seeing its shell prompt, against the plain way of
// doing it by hand in the same run: `ssh -tt NODE docker run -it --rm IMAGE sh`.
const node = bedNode('gpu-b');
let fixture: CoreFixture;
const cleanups: Promise<unknown>[] = [];

beforeAll(async () => {
  fixture = coreFixture();
  fixture.trust(node);
  await fixture.call('nodes.add', { bookmark: bookmarkFor(node, 'b', 'alice', { kind: 'key', keyFile: node.keyFile('alice') }) });
  await fixture.call('nodes.connect', { name: 'b' });
});

afterAll(async () => {
  await Promise.allSettled(cleanups);
  const docker = node.docker();
  for (const info of await docker.listContainers({ all: true }))
    await docker
      .getContainer(info.Id)
      .remove({ force: true })
      .catch(() => undefined);
  await fixture.core.close();
});

describe('session create to prompt', () => {
  bench(
    'baseline: ssh -tt NODE docker run -it --rm IMAGE sh',
    async () => {
      const ssh = spawn('ssh', ['-tt', ...node.sshArgs('alice'), 'docker', 'run', '-it', '--rm', BASE_IMAGE, 'sh'], {
        stdio: ['pipe', 'pipe', 'ignore'],
      });
      await untilPrompt(ssh.stdout);
      ssh.stdin.end('exit\n');
      cleanups.push(new Promise((resolve) => ssh.once('exit', resolve)));
    },
    { iterations: 8, time: 0, warmupIterations: 1 },
  );

  bench(
    'berth: sessions.create, then an attach terminal',
    async () => {
      const session = await fixture.call('sessions.create', { node: 'b', image: `docker://${BASE_IMAGE}`, pull: 'never', command: ['sh'] });
      let output: Readable | null = null;
      await fixture.core.dispatcher.call(
        'terminals.open',
        { session: session.id, kind: 'attach', command: [], cols: 80, rows: 24 },
        callContext((source) => ((output = source), { stream: 'bench' })),
      );
      const source = output as Readable | null;
      if (!source) throw new Error('no terminal output');
      await untilPrompt(source);
      source.destroy();
      // Removed at once rather than stopped (a 10 s grace), so cleaning up does not load the next round.
      const [container] = await node.docker().listContainers({ all: true, filters: { label: [`berth.session=${session.id}`] } });
      if (container) cleanups.push(node.docker().getContainer(container.Id).remove({ force: true }));
    },
    { iterations: 8, time: 0, warmupIterations: 1 },
  );
});
