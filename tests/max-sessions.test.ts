import { afterAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode } from './support/bed-nodes';
import { bookmarkFor, coreFixture } from './support/core-fixture';
import { openTerminal } from './support/session-io';
import type { TestTerminal } from './support/session-io';

// tight-a's sshd allows 4 session channels per connection and no stream-local forwarding, so every
// Docker connection there (each terminal among them) is an exec channel of `docker system dial-stdio`.
const tight = bedNode('tight-a');
const alice = coreFixture();
const started: string[] = [];
afterAll(async () => {
  for (const id of started) await alice.call('sessions.stop', { id, force: true }).catch(() => undefined);
  await alice.core.close();
});

describe("sshd's MaxSessions", () => {
  it('opens twelve terminals at once on a MaxSessions 4 node, over further connections, and says so', async () => {
    alice.trust(tight);
    await alice.call('nodes.add', { bookmark: bookmarkFor(tight, 'tight', 'alice', { kind: 'key', keyFile: tight.keyFile('alice') }) });
    const session = await alice.call('sessions.create', { node: 'tight', image: `docker://${BASE_IMAGE}`, pull: 'never', command: ['sleep', '600'] });
    started.push(session.id);
    const terminals: TestTerminal[] = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        openTerminal(alice.core, session.id, 'exec', ['sh', '-c', `echo ready-${index}-$((6*7)); exec sleep 60`]),
      ),
    );
    await Promise.all(terminals.map((terminal, index) => terminal.waitFor(`ready-${index}-42`)));
    const shown = await alice.call('nodes.show', { name: 'tight' });
    expect(shown.status.state).toBe('connected');
    expect(shown.status.sshConnections ?? 1).toBeGreaterThan(1);
    for (const terminal of terminals) terminal.close();
  }, 120_000);
});
