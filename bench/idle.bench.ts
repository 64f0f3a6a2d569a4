import ssh2 from 'ssh2';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import { bedNode } from '../tests/support/bed-nodes';
import { bookmarkFor, coreFixture } from '../tests/support/core-fixture';
import type { CoreFixture } from '../tests/support/core-fixture';

// An idle app with ten connected nodes should use next to no CPU. Berth's ten live links (Docker
// event streams, keepalives, the 30 s GPU query) against ten bare ssh2 connections doing nothing
// but keepalives, each measured as CPU time used by this process over the same idle second.
const NODES = ['gpu-a', 'gpu-b', 'gpu-q', 'plain-a'].map(bedNode);
const LINKS = 10;
let fixture: CoreFixture;
const bare: InstanceType<typeof ssh2.Client>[] = [];

async function idleCpuMs(): Promise<number> {
  const before = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

beforeAll(async () => {
  fixture = coreFixture();
  for (const node of NODES) fixture.trust(node);
  for (let i = 0; i < LINKS; i++) {
    const node = NODES[i % NODES.length];
    if (!node) continue;
    await fixture.call('nodes.add', { bookmark: bookmarkFor(node, `idle-${i}`, 'alice', { kind: 'key', keyFile: node.keyFile('alice') }) });
    await fixture.call('nodes.connect', { name: `idle-${i}` });
    const client = new ssh2.Client();
    await new Promise<void>((resolve, reject) => {
      client.once('ready', () => resolve()).once('error', reject);
      client.connect({
        host: '127.0.0.1',
        port: node.port,
        username: 'alice',
        privateKey: readFileSync(node.keyFile('alice')),
        keepaliveInterval: 15_000,
      });
    });
    bare.push(client);
  }
});

afterAll(async () => {
  for (const client of bare) client.end();
  await fixture.core.close();
});

describe('idle, ten connected nodes (CPU ms used per idle second; fewer is better)', () => {
  let baselineMs = 0;
  let berthMs = 0;
  let berthRounds = 0;
  bench(
    'baseline: ten bare ssh2 connections with keepalive',
    async () => {
      baselineMs += await idleCpuMs();
    },
    { iterations: 3, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
  bench(
    'berth: ten connected node links (events, keepalive, GPU query)',
    async () => {
      berthMs += await idleCpuMs();
      if (++berthRounds === 3) {
        console.log(
          `idle CPU over 3 s: baseline ${baselineMs.toFixed(1)} ms, berth ${berthMs.toFixed(1)} ms; berth/baseline ${(berthMs / Math.max(baselineMs, 0.1)).toFixed(2)}`,
        );
      }
    },
    { iterations: 3, time: 0, warmupIterations: 0, warmupTime: 0 },
  );
});
