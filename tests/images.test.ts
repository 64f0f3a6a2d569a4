import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ImageJob } from '../app/contract';
import { BASE_IMAGE } from '../e2e/testbed/base-image';
import { bedNode, bedRegistry } from './support/bed-nodes';
import { bookmarkFor, callContext, coreFixture } from './support/core-fixture';
import { runInSession } from './support/session-io';

// Builds, the library and copies between gpu-a and gpu-b, as alice, through the core the UI and CLI use.
const gpuA = bedNode('gpu-a');
const gpuB = bedNode('gpu-b');
const registry = bedRegistry();
const alice = coreFixture();
const sessions: string[] = [];
afterAll(async () => {
  for (const id of sessions) await alice.call('sessions.stop', { id, force: true }).catch(() => undefined);
  await alice.core.close();
});

const ready = (async () => {
  for (const [node, name] of [
    [gpuA, 'gpu-a'],
    [gpuB, 'gpu-b'],
  ] as const) {
    alice.trust(node);
    await alice.call('nodes.add', { bookmark: bookmarkFor(node, name, 'alice', { kind: 'key', keyFile: node.keyFile('alice') }) });
    await alice.call('nodes.connect', { name });
  }
})();

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-context-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** Runs a build through the core while collecting its events, as a window would. */
async function build(
  dir: string,
  tag: string,
  extra: { target?: string; buildArgs?: string[] } = {},
  onJob?: (job: ImageJob) => void,
): Promise<{ job: ImageJob; log: string }> {
  let log = '';
  const stop = alice.core.events.subscribe((name, payload) => {
    if (name === 'images.output') log += (payload as { text: string }).text;
    if (name === 'images.job') onJob?.(payload as ImageJob);
  });
  try {
    const job = (await alice.core.dispatcher.call(
      'images.build',
      { node: 'gpu-a', source: { kind: 'path', path: dir }, tag, ...extra },
      callContext(),
    )) as ImageJob;
    return { job, log };
  } finally {
    stop();
  }
}

describe('image builds', () => {
  it('builds with live steps, honours .dockerignore and sends under 1 MB when it leaves out a 200 MB file', async () => {
    await ready;
    const dir = context({
      Dockerfile: `FROM ${BASE_IMAGE}\nARG GREETING=hello\nCOPY . /ctx\nRUN echo "$GREETING" > /greeting\n`,
      '.dockerignore': 'big.bin\n**/*.log\n',
      'keep.txt': 'kept\n',
      'sub/note.log': 'left out\n',
    });
    writeFileSync(join(dir, 'big.bin'), '');
    truncateSync(join(dir, 'big.bin'), 200 * 1024 * 1024);
    const steps: string[] = [];
    const before = gpuA.bytesReceivedFrom(process.pid);
    const { job, log } = await build(
      dir,
      'ctx-test:1',
      { buildArgs: ['GREETING=hi there'] },
      (j) => j.step && steps.push(`${j.step.index}/${j.step.count}`),
    );
    const sent = gpuA.bytesReceivedFrom(process.pid) - before;
    expect(job).toMatchObject({ state: 'done', kind: 'build', node: 'gpu-a', title: 'ctx-test:1' });
    expect(job.transfer?.done).toBeLessThan(64 * 1024);
    expect(sent).toBeGreaterThan(0);
    expect(sent).toBeLessThan(1024 * 1024);
    expect(steps).toContain('4/4');
    expect(log).toMatch(/Step 1\/4 : FROM/);

    const images = await alice.call('images.list', { node: 'gpu-a' });
    expect(images.images.find((image) => image.tags.includes('ctx-test:1'))).toBeTruthy();
    const files = execFileSync('docker', [
      '-H',
      `unix://${gpuA.dockerSocket}`,
      'run',
      '--rm',
      'ctx-test:1',
      'sh',
      '-c',
      'ls -a /ctx /ctx/sub; cat /greeting',
    ]).toString();
    expect(files).toContain('keep.txt');
    expect(files).not.toContain('big.bin');
    expect(files).not.toContain('note.log');
    expect(files).toContain('hi there');
  });

  it('builds up to a target stage', async () => {
    await ready;
    const dir = context({ Dockerfile: `FROM ${BASE_IMAGE} AS base\nRUN echo base > /stage\nFROM base AS later\nRUN echo later > /stage\n` });
    const { job } = await build(dir, 'staged:1', { target: 'base' });
    expect(job.state).toBe('done');
    const stage = execFileSync('docker', ['-H', `unix://${gpuA.dockerSocket}`, 'run', '--rm', 'staged:1', 'cat', '/stage']).toString();
    expect(stage.trim()).toBe('base');
  });

  it('shows the failing step with its Dockerfile line', async () => {
    await ready;
    const dir = context({ Dockerfile: `FROM ${BASE_IMAGE}\n\n# a comment\nRUN echo fine\nRUN echo broken >&2 && \\\n    exit 3\nCMD ["sh"]\n` });
    const { job, log } = await build(dir, 'failing:1');
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/^Step 3\/4 \(Dockerfile line 5: RUN echo broken >&2 && exit 3\) failed: .*returned a non-zero code: 3/);
    expect(log).toContain('broken');
  });

  it('refuses a Dockerfile with a syntax error, a folder without one, and an invalid tag, leaving nothing', async () => {
    await ready;
    const syntax = await build(context({ Dockerfile: `FROM ${BASE_IMAGE}\nFORM x\n` }), 'syntax:1');
    expect(syntax.job.state).toBe('failed');
    expect(syntax.job.error).toMatch(/unknown instruction: FORM/i);
    await expect(build(context({ 'README.md': 'no dockerfile' }), 'none:1')).rejects.toThrow(/There is no Dockerfile in .*--file/);
    await expect(build(context({ Dockerfile: `FROM ${BASE_IMAGE}\n` }), 'Bad Tag')).rejects.toThrow(/"Bad Tag" is not a valid image tag/);
    const containers = await gpuA.docker().listContainers({ all: true, filters: { label: ['berth.session'] } });
    const all = await gpuA.docker().listContainers({ all: true });
    expect(all.length).toBe(containers.length);
  });

  it('stops a cancelled build on the node', async () => {
    await ready;
    const dir = context({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo started; sleep 300\n` });
    const running = build(dir, 'cancelled:1', {}, (job) => {
      if (job.step?.index === 2 && job.state === 'running') void alice.call('images.cancel', { job: job.id });
    });
    const { job } = await running;
    expect(job.state).toBe('cancelled');
    // Docker stops the step's container and removes it.
    let left = 1;
    for (let i = 0; i < 50 && left > 0; i += 1) {
      left = (await gpuA.docker().listContainers({ all: true })).filter((c) => !c.Labels['berth.session']).length;
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(left).toBe(0);
    expect(execFileSync('ps', ['-eo', 'args']).toString()).not.toMatch(/sleep 300/);
  });
});

describe('the image library', () => {
  it('refuses a login the registry refuses, keeping the old settings', async () => {
    await ready;
    await expect(alice.call('library.set', { address: registry.address, username: registry.username, password: 'wrong' })).rejects.toThrow(
      /refused the login of team/,
    );
    expect((await alice.call('settings.get', {})).library.address).toBe('');
    await expect(alice.call('library.list', {})).rejects.toThrow(/No image library is set/);
  });

  it('saves an image from gpu-a with a description and starts a session on gpu-b from beaker://NAME', async () => {
    await ready;
    await alice.call('library.set', { address: registry.address, username: registry.username, password: registry.password });
    const built = await build(context({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo from-the-library > /marker\n` }), 'lib-source:1');
    expect(built.job.state).toBe('done');
    const description = 'Team image with "quotes" and $HOME, unexpanded';
    const pushed = await alice.call('images.push', { node: 'gpu-a', image: 'lib-source:1', name: 'team/tools', description });
    expect(pushed).toMatchObject({ state: 'done', kind: 'push', title: 'beaker://team/tools:latest' });
    expect(pushed.layers.length).toBeGreaterThan(0);

    const listed = await alice.call('library.list', {});
    expect(listed.images).toContainEqual(
      expect.objectContaining({ name: 'team/tools', tag: 'latest', description, reference: 'beaker://team/tools:latest' }),
    );
    expect(listed.images.find((image) => image.name === 'team/tools')?.size).toBeGreaterThan(0);

    const session = await alice.call('sessions.create', { node: 'gpu-b', image: 'beaker://team/tools', command: ['sleep', '600'] });
    sessions.push(session.id);
    expect((await runInSession(alice.core, session.id, ['cat', '/marker'])).trim()).toBe('from-the-library');
    // The login travelled in the request: nothing was written to the node's Docker config.
    expect(execFileSync('sh', ['-c', `cat ${gpuB.dir}/home/alice/.docker/config.json 2>/dev/null || true`]).toString()).toBe('');
  });

  it('pulls beaker://NAME onto a node with the library login', async () => {
    await ready;
    const job = await alice.call('images.pull', { node: 'gpu-b', image: 'beaker://team/tools' });
    expect(job).toMatchObject({ state: 'done', title: `${registry.address}/team/tools:latest` });
    const { images } = await alice.call('images.list', { node: 'gpu-b' });
    expect(images.some((image) => image.tags.includes(`${registry.address}/team/tools:latest`))).toBe(true);
  });

  it('says clearly when a library image does not exist', async () => {
    await ready;
    await expect(alice.call('sessions.create', { node: 'gpu-b', image: 'beaker://team/absent:v9', command: ['true'] })).rejects.toThrow(
      /Pulling .*team\/absent:v9 failed/,
    );
  });
});

describe('image copy', () => {
  it('streams an image from gpu-a into gpu-b without a registry', async () => {
    await ready;
    expect((await build(context({ Dockerfile: `FROM ${BASE_IMAGE}\nRUN echo copied > /marker\n` }), 'copy-me:1')).job.state).toBe('done');
    const job = await alice.call('images.copy', { image: 'copy-me:1', from: 'gpu-a', to: 'gpu-b' });
    expect(job).toMatchObject({ state: 'done', kind: 'copy', node: 'gpu-a', to: 'gpu-b' });
    expect(job.transfer?.done).toBeGreaterThan(0);
    const out = execFileSync('docker', ['-H', `unix://${gpuB.dockerSocket}`, 'run', '--rm', 'copy-me:1', 'cat', '/marker']).toString();
    expect(out.trim()).toBe('copied');
  });
});
