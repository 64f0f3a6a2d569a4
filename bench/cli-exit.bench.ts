import { spawn } from 'node:child_process';
import { beforeAll, bench, describe } from 'vitest';
import { cliUser } from '../tests/support/cli-user';
import { BERTH } from '../tests/support/cli-user';
import { bedNode } from '../tests/support/bed-nodes';

// A CLI command should end as soon as its work is done. `berth --version` does no work (the floor:
// Node starting and loading the CLI); `berth node list` reads the bookmarks; `berth session list
// --node b` connects over SSH to a node and asks its Docker. Each run also records how long the
// process lived after its last output, which should be next to nothing (issue 14: it was ~2 s).
const node = bedNode('gpu-b');
const user = cliUser('bench-exit');
const lingers: Record<string, number[]> = {};

/** Runs `berth ARGS…`; resolves once it exited, recording the time from its last output to its exit. */
function run(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BERTH, ...args], { env: user.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let lastOutput = performance.now();
    let stderr = '';
    child.stdout.on('data', () => (lastOutput = performance.now()));
    child.stderr.on('data', (chunk: Buffer) => ((lastOutput = performance.now()), (stderr += chunk.toString())));
    child.once('error', reject);
    child.once('close', (code) => {
      (lingers[args.join(' ')] ??= []).push(performance.now() - lastOutput);
      if (code === 0) resolve();
      else reject(new Error(`berth ${args.join(' ')} exited with ${code}: ${stderr}`));
    });
  });
}

function reportLingers(): void {
  for (const [command, times] of Object.entries(lingers)) {
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    process.stdout.write(`berth ${command}: last output to exit, median ${median.toFixed(0)} ms over ${times.length} runs\n`);
  }
}

beforeAll(() => {
  const added = user.berth(
    'node',
    'add',
    'b',
    '--host',
    '127.0.0.1',
    '--port',
    String(node.port),
    '--user',
    'alice',
    '--identity',
    node.keyFile('alice'),
  );
  if (added.status !== 0) throw new Error(added.stderr);
  const trusted = user.berth('node', 'show', 'b', '--accept-new-host-key');
  if (trusted.status !== 0) throw new Error(trusted.stderr);
  return reportLingers;
});

describe('a CLI command, start to exit', () => {
  const options = { iterations: 6, time: 0, warmupIterations: 1 };
  bench('berth --version (the floor)', () => run('--version'), options);
  bench('berth node list', () => run('node', 'list'), options);
  bench('berth session list --node b (over SSH)', () => run('session', 'list', '--node', 'b'), options);
});
