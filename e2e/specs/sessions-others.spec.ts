import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '../fixtures';
import { bedNode } from '../bed-nodes';
import { bookmarkWithCli } from '../bookmark-with-cli';
import { SessionsPage } from '../pages/sessions-page';
import { BASE_IMAGE } from '../testbed/base-image';
import { KEY_PASSPHRASES } from '../testbed/user-files';

const BERTH = new URL('../../bin/berth.js', import.meta.url).pathname;
const MARKER = 'bobs-own-output-51c2';

/** bob, with a config folder of his own and a copy of his key without its passphrase, running the CLI. */
function bobCli(): (...args: string[]) => string {
  const home = mkdtempSync(join(tmpdir(), 'berth-e2e-bob-'));
  const node = bedNode('gpu-b');
  const key = join(home, 'bob-key');
  copyFileSync(node.keyFile('bob'), key);
  chmodSync(key, 0o600);
  execFileSync('ssh-keygen', ['-q', '-p', '-P', KEY_PASSPHRASES.bob ?? '', '-N', '', '-f', key]);
  const run = (...args: string[]): string => {
    const result = spawnSync(process.execPath, [BERTH, ...args], { env: { ...process.env, HOME: home, BERTH_HOME: home }, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`berth ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  run(...node.berthAddArgs('b', 'bob').map((arg) => (arg === node.keyFile('bob') ? key : arg)));
  return run;
}

test("another user's session is listed under Everyone's, with nothing to enter it by", async ({ app, serve }) => {
  const bob = bobCli();
  const id = bob(
    'session',
    'create',
    '--node',
    'b',
    '--detach',
    '--name',
    'bobs-run',
    '--image',
    `docker://${BASE_IMAGE}`,
    '--pull',
    'never',
    '--',
    'sh',
    '-c',
    `echo ${MARKER}; exec sleep 600`,
  ).trim();
  try {
    bookmarkWithCli(serve, bedNode('gpu-b'), 'gpu-b');
    const sessions = new SessionsPage(app);
    await sessions.open();
    await app.getByLabel("Everyone's").check();
    const row = sessions.row(/bobs-run/);
    await expect(row).toContainText('bob', { timeout: 30_000 });
    // Entering someone else's session is for the CLI with --force (tests/session-others.test.ts): the app offers no way in.
    await expect(row.getByRole('button', { name: 'Attach' })).toHaveCount(0);
    await expect(row.getByRole('button', { name: 'New terminal' })).toHaveCount(0);
    await expect(sessions.tab(/bobs-run/)).toHaveCount(0);
    await expect(app.getByText(MARKER)).toHaveCount(0);
  } finally {
    bob('session', 'stop', id);
  }
});
