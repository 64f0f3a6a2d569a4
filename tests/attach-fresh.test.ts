import type { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from './support/bed-nodes';
import { bookmarkFor, callContext, coreFixture } from './support/core-fixture';

// Issue 14: a terminal opened on a session the moment it was created (as the app's auto-attach does)
// sometimes failed with "socket hang up". Fifty in a row, each on a fresh session, must all open.
const gpuB = bedNode('gpu-b');
const alice = coreFixture();
const started: string[] = [];
afterAll(async () => {
  for (const id of started) await alice.call('sessions.stop', { id, force: true }).catch(() => undefined);
  await alice.core.close();
});

describe('attaching to a session just created', () => {
  it('opens fifty times in a row without an error', { timeout: 600_000 }, async () => {
    alice.trust(gpuB);
    await alice.call('nodes.add', { bookmark: bookmarkFor(gpuB, 'gpu-b', 'alice', { kind: 'key', keyFile: gpuB.keyFile('alice') }) });
    const failures: string[] = [];
    for (let round = 0; round < 50; round++) {
      const session = await alice.call('sessions.create', { node: 'gpu-b', image: `docker://${BASE_IMAGE}`, pull: 'never', command: ['sh'] });
      started.push(session.id);
      let output: Readable | null = null;
      try {
        // As the app does: the Sessions list and history are read again while the tab opens.
        const [opened] = await Promise.all([
          alice.core.dispatcher.call(
            'terminals.open',
            { session: session.id, kind: 'attach', command: [], cols: 80, rows: 24 },
            callContext((source) => ((output = source), { stream: `round-${round}` })),
          ),
          alice.call('sessions.list', { everyone: false }),
          alice.call('sessions.history', {}),
        ]);
        const { terminal } = opened as { terminal: string };
        await alice.call('terminals.exit', { terminal }).catch(() => undefined);
      } catch (error) {
        failures.push(`round ${round}: ${(error as Error).message}`);
      }
      (output as Readable | null)?.destroy();
      // Stopped in the background, as a user moves on; the next create does not wait for it.
      void alice.call('sessions.stop', { id: session.id, force: false }).catch(() => undefined);
    }
    expect(failures).toEqual([]);
  });
});
