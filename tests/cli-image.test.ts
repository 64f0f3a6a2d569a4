import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { BERTH, cliUser } from './support/cli-user';
import type { CliRun } from './support/cli-user';
import { bedNode, bedRegistry } from './support/bed-nodes';

// berth image … and berth library … as a user runs them, against gpu-a and gpu-b, output piped.
const { env, berth } = cliUser('cli-image', 120_000);
const gpuA = bedNode('gpu-a');
const gpuB = bedNode('gpu-b');
const registry = bedRegistry();
const sessions: string[] = [];

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-cli-context-'));
  chmodSync(dir, 0o755);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/**
 * Runs berth commands inside a private D-Bus session with its own unlocked GNOME Keyring, as on a
 * Linux desktop: what one command keeps in the keychain, the next finds there.
 */
function withKeyring(steps: { args: string[]; stdin?: string }[]): CliRun[] {
  const keyringHome = mkdtempSync(join(tmpdir(), 'berth-keyring-'));
  const script = [
    'printf %s keyring-pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null',
    ...steps.map((_step, i) => `printf %s "$IN${i}" | node "$BERTH" $ARGS${i} >"$OUT/${i}.out" 2>"$OUT/${i}.err"; echo $? >"$OUT/${i}.status"`),
  ].join('\n');
  const out = mkdtempSync(join(tmpdir(), 'berth-keyring-out-'));
  const stepEnv = Object.fromEntries(
    steps.flatMap((step, i) => [
      [`IN${i}`, step.stdin ?? ''],
      [`ARGS${i}`, step.args.join(' ')],
    ]),
  );
  const result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...env, ...stepEnv, BERTH, OUT: out, XDG_DATA_HOME: join(keyringHome, 'data'), XDG_RUNTIME_DIR: keyringHome },
  });
  expect(result.status, result.stderr).toBe(0);
  return steps.map((_step, i) => {
    const read = (name: string): string => spawnSync('cat', [join(out, `${i}.${name}`)], { encoding: 'utf8' }).stdout;
    return { status: Number(read('status').trim()), stdout: read('out'), stderr: read('err') };
  });
}

beforeAll(() => {
  expect(berth(...gpuA.berthAddArgs('a')).status).toBe(0);
  expect(berth(...gpuB.berthAddArgs('b')).status).toBe(0);
});
afterAll(() => {
  for (const id of sessions) berth('session', 'stop', id);
});

describe('berth image, from the command line', () => {
  it('builds with the log on stdout, lists, copies to another node and removes', () => {
    const dir = context({ Dockerfile: `FROM ${BASE_IMAGE}\nARG WHO=nobody\nRUN echo "built by $WHO" > /who\n`, 'notes.txt': 'x' });
    const built = berth('image', 'build', dir, '--node', 'a', '--tag', 'cli-built:1', '--build-arg', 'WHO=cli');
    expect(built.stderr).toContain('Built cli-built:1');
    expect(built.status).toBe(0);
    expect(built.stdout).toMatch(/Step 3\/3 : RUN echo/);

    const listed = JSON.parse(berth('image', 'list', '--node', 'a', '--format', 'json').stdout) as { tags: string[] }[];
    expect(listed.some((image) => image.tags.includes('cli-built:1'))).toBe(true);
    expect(berth('image', 'list', '--node', 'a').stdout).toMatch(/^IMAGE\s+ID\s+CREATED\s+SIZE/);

    const copied = berth('image', 'copy', 'cli-built:1', '--from', 'a', '--to', 'b');
    expect(copied.stderr).toMatch(/Copied cli-built:1 from a to b/);
    expect(copied.status).toBe(0);
    const onB = spawnSync('docker', ['-H', `unix://${gpuB.dockerSocket}`, 'run', '--rm', 'cli-built:1', 'cat', '/who'], { encoding: 'utf8' });
    expect(onB.stdout.trim()).toBe('built by cli');

    expect(berth('image', 'remove', 'cli-built:1', '--node', 'b').status).toBe(0);
    const gone = berth('image', 'remove', 'cli-built:1', '--node', 'b');
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/^Error: b has no image cli-built:1/);
  });

  it('refuses to remove an image a running session uses, naming the session', () => {
    const created = berth(
      'session',
      'create',
      '--node',
      'a',
      '--detach',
      '--name',
      'holds-image',
      '--image',
      `docker://${BASE_IMAGE}`,
      '--pull',
      'never',
      '--',
      'sleep',
      '600',
    );
    expect(created.status).toBe(0);
    sessions.push(created.stdout.trim());
    const refused = berth('image', 'remove', BASE_IMAGE, '--node', 'a');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`Error: ${BASE_IMAGE} is in use by the running session holds-image on a: stop it first.`);
  });

  it('reports a failing step and exits 1', () => {
    const failed = berth('image', 'build', context({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN exit 7\n` }), '--node', 'a', '--tag', 'cli-fails:1');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toMatch(/Error: Step 2\/2 \(Dockerfile line 2: RUN exit 7\) failed: .*non-zero code: 7/);
  });

  it('refuses a context with a file it cannot read, before connecting, as a user who cannot read it', () => {
    const dir = context({ Dockerfile: `FROM ${BASE_IMAGE}\n`, 'secret.bin': 'x' });
    chmodSync(join(dir, 'secret.bin'), 0o000);
    const nobodyHome = mkdtempSync(join(tmpdir(), 'berth-nobody-'));
    chmodSync(nobodyHome, 0o777);
    const result = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BERTH, 'image', 'build', dir, '--node', 'a', '--tag', 'x:1'],
      { encoding: 'utf8', env: { ...process.env, HOME: nobodyHome, BERTH_HOME: join(nobodyHome, 'berth') }, timeout: 60_000 },
    );
    expect(result.stderr).toBe(
      `Error: Berth cannot read secret.bin in the build context ${dir}. Make it readable, or leave it out in .dockerignore.\n`,
    );
    expect(result.status).toBe(1);
  });

  it('refuses a folder without a Dockerfile and an invalid build argument', () => {
    const none = berth('image', 'build', context({ 'a.txt': 'x' }), '--node', 'a', '--tag', 'x:1');
    expect(none.stderr).toMatch(/^Error: There is no Dockerfile in .*--file/);
    expect(none.status).toBe(1);
    const arg = berth('image', 'build', context({ Dockerfile: 'FROM x\n' }), '--node', 'a', '--tag', 'x:1', '--build-arg', 'oops');
    expect(arg.stderr).toMatch(/^Error: --build-arg oops is not NAME=VALUE/);
    expect(arg.status).toBe(2);
  });
});

describe('berth library, from the command line', () => {
  it('refuses a wrong password and keeps nothing', () => {
    const refused = withKeyring([
      { args: ['library', 'set', registry.address, '--username', registry.username, '--password-stdin'], stdin: 'wrong' },
    ]);
    expect(refused[0]?.stderr).toMatch(/^Error: The library at .* refused the login of team/);
    expect(refused[0]?.status).toBe(1);
  });

  it('keeps the password in the keychain, saves an image with a description and lists it in a later command', () => {
    const built = berth('image', 'build', context({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo cli > /from\n` }), '--node', 'a', '--tag', 'cli-lib:1');
    expect(built.status).toBe(0);
    const [set, push, list] = withKeyring([
      { args: ['library', 'set', registry.address, '--username', registry.username, '--password-stdin'], stdin: registry.password },
      { args: ['image', 'push', 'cli-lib:1', '--node', 'a', '--name', 'cli/tools:v1', '--description', 'From_the_CLI'] },
      { args: ['library', 'list', '--format', 'json'] },
    ]);
    expect(set?.stdout).toBe(`The library is ${registry.address}, as team.\n`);
    expect(set?.stderr).toBe('');
    expect(push?.stderr).toContain('Saved cli-lib:1 to the library as beaker://cli/tools:v1.');
    expect(push?.status).toBe(0);
    const images = JSON.parse(list?.stdout ?? '[]') as { name: string; tag: string; description: string }[];
    expect(images).toContainEqual(expect.objectContaining({ name: 'cli/tools', tag: 'v1', description: 'From_the_CLI' }));
    // No keychain outside that session: the next command cannot find the password and says how to give it.
    const without = berth('library', 'list');
    expect(without.stderr).toMatch(/^Error: The password for team at the library .* is not in this computer's keychain/);
  });
});
