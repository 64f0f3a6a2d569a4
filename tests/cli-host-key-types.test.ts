import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bedNode } from './support/bed-nodes';
import { cliUser } from './support/cli-user';

// The bed's sshd offers an ed25519 host key; what the user's known_hosts already records decides
// whether Berth asks (a type with no entry) or refuses (a different key of the same type).
const gpuA = bedNode('gpu-a');

/** A fresh public key of this type, as one line of known_hosts for the bed node. */
function knownHostsLine(home: string, type: 'rsa' | 'ed25519'): string {
  const file = join(home, `other_${type}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', file]);
  const [keyType, key] = readFileSync(`${file}.pub`, 'utf8').split(' ');
  return `[127.0.0.1]:${gpuA.port} ${keyType} ${key}\n`;
}

function userWithKnownHosts(name: string, type: 'rsa' | 'ed25519'): ReturnType<typeof cliUser> {
  const user = cliUser(name);
  mkdirSync(join(user.home, '.ssh'), { mode: 0o700 });
  writeFileSync(join(user.home, '.ssh', 'known_hosts'), knownHostsLine(user.home, type));
  const added = user.berth(
    'node',
    'add',
    'gpu-a',
    '--host',
    '127.0.0.1',
    '--port',
    String(gpuA.port),
    '--user',
    'alice',
    '--identity',
    gpuA.keyFile('alice'),
  );
  expect(added.status).toBe(0);
  return user;
}

describe('host keys of another type', () => {
  it('asks about the ed25519 key of a node whose known_hosts holds only an RSA key, and connects once accepted', () => {
    const { berth } = userWithKnownHosts('rsa-known', 'rsa');
    const asked = berth('node', 'show', 'gpu-a');
    expect(asked.status).toBe(1);
    expect(asked.stderr).toContain("can't be established");
    expect(asked.stderr).toContain(gpuA.hostKeyFingerprint());
    expect(asked.stderr).not.toMatch(/changed|ssh-keygen -R/);
    const shown = berth('node', 'show', 'gpu-a', '--accept-new-host-key', '--format', 'json');
    expect(shown.stderr).toBe('');
    expect((JSON.parse(shown.stdout) as { state: string }).state).toBe('connected');
  });

  it('still refuses a node whose ed25519 key differs from the recorded one', () => {
    const { berth } = userWithKnownHosts('ed25519-known', 'ed25519');
    const refused = berth('node', 'show', 'gpu-a', '--accept-new-host-key');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('has changed');
  });
});
