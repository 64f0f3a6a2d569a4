import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bedNode } from './support/bed-nodes';
import { cliUser } from './support/cli-user';

// `berth node doctor` names what is wrong, with a fix, on nodes that are wrong in the ways clusters are.
const nohook = bedNode('nohook-a');
const gpuB = bedNode('gpu-b');
const rhel = bedNode('rhel-a');
const tight = bedNode('tight-a');

function line(stdout: string, check: string): string {
  return stdout.split('\n').find((text) => new RegExp(`^\\S+\\s+${check}\\s`).test(text)) ?? `(no "${check}" line in:\n${stdout})`;
}

describe('berth node doctor', () => {
  it('says a node lacks the NVIDIA container hook, and what to ask for', () => {
    const alice = cliUser('doctor-hook');
    expect(alice.berth(...nohook.berthAddArgs('nh', 'alice'))).toMatchObject({ status: 0 });
    const run = alice.berth('node', 'doctor', 'nh');
    expect(run.status).toBe(1);
    expect(line(run.stdout, 'nvidia container hook')).toMatch(/^FAIL .*nvidia-container-runtime-hook is missing/);
    expect(run.stdout).toMatch(/→ Ask the administrator to install the NVIDIA Container Toolkit/);
    expect(line(run.stdout, 'gpus')).toMatch(/^ok\s+gpus\s+2 /);
    expect(line(run.stdout, 'docker socket')).toMatch(/^ok/);
    expect(run.stderr).not.toMatch(/\n\s+at |bug in Berth/);
  });

  it('says a user outside the docker group must be added to it, and still checks the rest', () => {
    const carol = cliUser('doctor-carol');
    // Adding with --accept-new-host-key connects, which fails for carol at Docker: she adds it plainly, and the doctor trusts the key.
    expect(carol.berth(...gpuB.berthAddArgs('gb', 'carol').filter((arg) => arg !== '--accept-new-host-key'))).toMatchObject({ status: 0 });
    const run = carol.berth('node', 'doctor', 'gb', '--accept-new-host-key');
    expect(run.status).toBe(1);
    expect(line(run.stdout, 'docker socket')).toMatch(/^FAIL .*carol is not in the docker group/);
    expect(run.stdout).toMatch(/→ Ask the administrator to add you to the docker group \(usermod -aG docker carol\)/);
    expect(line(run.stdout, 'login shell')).toMatch(/^ok\s+login shell\s+\/bin\/bash/);
    expect(line(run.stdout, 'lock folder')).toMatch(/^ok/);
  });

  it('says a lock folder is read-only, where the queue lives instead, and reports rc-file output and MaxSessions', () => {
    const gina = cliUser('doctor-gina');
    expect(gina.berth(...rhel.berthAddArgs('rh', 'gina'), '--lock-dir', '/run/lock/berth')).toMatchObject({ status: 0 });
    const run = gina.berth('node', 'doctor', 'rh');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/FAIL\s+lock folder\s+the bookmark's GPU queue folder \/run\/lock\/berth is not writable for you/);
    expect(run.stdout).toMatch(/ok\s+lock folder\s+the GPU queue lives in \/dev\/shm\/berth/);
    expect(line(run.stdout, 'rc-file output')).toMatch(/^warn .*your rc files print/);
    const dave = cliUser('doctor-dave');
    expect(dave.berth(...tight.berthAddArgs('ti', 'dave'))).toMatchObject({ status: 0 });
    const tightRun = dave.berth('node', 'doctor', 'ti');
    expect(line(tightRun.stdout, 'ssh channels')).toMatch(/^warn .*grants [0-4] more session channels? per connection \(MaxSessions\)/);
    expect(line(tightRun.stdout, 'direct-streamlocal')).toMatch(/^warn/);
    expect(line(tightRun.stdout, 'login shell')).toMatch(/\/usr\/bin\/fish/);
  });
});

// A failing command on a node is the node's problem, told plainly: never a stack trace or "a bug in Berth".
const passwd = join(gpuB.dir, 'etc', 'passwd');
const original = readFileSync(passwd, 'utf8');
afterAll(() => writeFileSync(passwd, original));

describe('a failing command on a node', () => {
  it('is one line saying what failed, where, and what to do', () => {
    const gina = cliUser('nologin-gina');
    expect(gina.berth(...gpuB.berthAddArgs('gb', 'gina'))).toMatchObject({ status: 0 });
    // An administrator disabled gina's shell: SSH still logs in and Docker still answers, but no command runs.
    writeFileSync(passwd, original.replace(/^(gina:.*:)[^:\n]*$/m, '$1/usr/sbin/nologin'));
    const run = gina.berth('session', 'create', '--node', 'gb', '--detach', '--', 'true');
    expect(run.status).toBe(1);
    const errors = run.stderr.split('\n').filter((text) => text.startsWith('Error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /^Error: Berth could not read your account \(id, \$HOME\) on gb.*your login shell on gb did not run \/bin\/sh; it said: This account is currently not available/,
    );
    expect(errors[0]).toMatch(/currently not available\. Check that your account there has a working login shell/);
    expect(run.stderr).not.toMatch(/\n\s+at |bug in Berth|BerthError/);
    // The details go to Berth's log in its config folder, and --verbose shows them as they happen.
    expect(readFileSync(join(gina.env.BERTH_HOME ?? '', 'berth.log'), 'utf8')).toMatch(/WARN +\[node\] gb: the login shell did not run \/bin\/sh/);
    const verbose = gina.berth('--verbose', 'session', 'create', '--node', 'gb', '--detach', '--', 'true');
    expect(verbose.stderr).toMatch(/INFO +\[link\] gb: connecting to gina@127\.0\.0\.1/);
    expect(verbose.stderr).toMatch(/WARN +\[node\] gb: the login shell did not run/);
  });
});
