import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprint } from './host-key';
import { HostKeys } from './host-keys';

/** A public key blob as SSH sends it: the type as a length-prefixed string, then key material. */
function blob(type: string): Buffer {
  const name = Buffer.from(type);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(name.length);
  return Buffer.concat([length, name, randomBytes(32)]);
}

function keys(userKnownHosts = ''): { hostKeys: HostKeys; berthFile: string } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-hostkeys-'));
  const userFile = join(dir, 'user_known_hosts');
  writeFileSync(userFile, userKnownHosts);
  const berthFile = join(dir, 'berth', 'known_hosts');
  return { hostKeys: new HostKeys(berthFile, userFile), berthFile };
}

describe('HostKeys', () => {
  const rsa = blob('ssh-rsa');
  const line = (key: Buffer, type: string): string => `[gpu]:2222 ${type} ${key.toString('base64')}\n`;

  it('asks about an ed25519 key of a host whose known_hosts holds only its RSA key, instead of calling it changed', async () => {
    const { hostKeys } = keys(line(rsa, 'ssh-rsa'));
    const ed25519 = blob('ssh-ed25519');
    expect(await hostKeys.check('gpu', 2222, ed25519)).toEqual({
      verdict: 'unknown',
      key: { type: 'ssh-ed25519', fingerprint: fingerprint(ed25519) },
    });
    expect(await hostKeys.check('gpu', 2222, rsa)).toEqual({ verdict: 'known' });
  });

  it('refuses a different key of a type it knows, naming only the known keys of that type', async () => {
    const ed25519 = blob('ssh-ed25519');
    const { hostKeys } = keys(line(rsa, 'ssh-rsa') + line(ed25519, 'ssh-ed25519'));
    const impostor = blob('ssh-ed25519');
    expect(await hostKeys.check('gpu', 2222, impostor)).toEqual({
      verdict: 'changed',
      key: { type: 'ssh-ed25519', fingerprint: fingerprint(impostor), expected: [fingerprint(ed25519)] },
    });
  });

  it('keeps every key remembered at once in its own known_hosts', async () => {
    const { hostKeys, berthFile } = keys();
    const blobs = Array.from({ length: 10 }, () => blob('ssh-ed25519'));
    await Promise.all(blobs.map((key, n) => new HostKeys(berthFile, '/nonexistent').remember(`gpu-${n}`, 22, key)));
    for (const [n, key] of blobs.entries()) expect(await hostKeys.check(`gpu-${n}`, 22, key)).toEqual({ verdict: 'known' });
    expect(readFileSync(berthFile, 'utf8').trim().split('\n')).toHaveLength(10);
  });
});
