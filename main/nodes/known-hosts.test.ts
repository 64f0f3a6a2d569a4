import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hostEntryName, judgeKey, keysFor, parseKnownHosts } from './known-hosts';

function hashed(name: string): string {
  const salt = Buffer.from('0123456789abcdefghij');
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const file = `
# comment
gpu-1.cluster,10.0.0.1 ssh-ed25519 AAAAplain
[gpu-2.cluster]:2222 ssh-ed25519 AAAAport
${hashed('gpu-3.cluster')} ssh-ed25519 AAAAhashed
${hashed('[gpu-4.cluster]:2200')} ecdsa-sha2-nistp256 AAAAhashedport
*.wild,!bad.wild ssh-rsa AAAAwild
@cert-authority *.cluster ssh-ed25519 AAAAca
@revoked * ssh-ed25519 AAAAgone
broken-line
`;
const lines = parseKnownHosts(file);

describe('known_hosts', () => {
  it('names hosts as OpenSSH does', () => {
    expect(hostEntryName('gpu', 22)).toBe('gpu');
    expect(hostEntryName('gpu', 2222)).toBe('[gpu]:2222');
  });

  it.each([
    ['gpu-1.cluster', 22, ['AAAAplain']],
    ['10.0.0.1', 22, ['AAAAplain']],
    ['gpu-1.cluster', 2222, []],
    ['gpu-2.cluster', 2222, ['AAAAport']],
    ['gpu-2.cluster', 22, []],
    ['gpu-3.cluster', 22, ['AAAAhashed']],
    ['gpu-4.cluster', 2200, ['AAAAhashedport']],
    ['gpu-4.cluster', 22, []],
    ['x.wild', 22, ['AAAAwild']],
    ['bad.wild', 22, []],
  ])('finds the keys for %s port %d', (host, port, keys) => {
    expect(keysFor(lines, host, port).trusted.map((entry) => entry.key)).toEqual(keys);
  });

  it('collects revoked keys and ignores certificate authorities and broken lines', () => {
    expect(keysFor(lines, 'anything', 22).revoked).toEqual(['AAAAgone']);
    expect(lines).toHaveLength(7);
  });

  it('compares a presented key only with known keys of its own type, as OpenSSH does', () => {
    const known = keysFor(parseKnownHosts('gpu ssh-rsa AAAArsa\ngpu ecdsa-sha2-nistp256 AAAA256\n@revoked * ssh-ed25519 AAAAgone'), 'gpu', 22);
    expect(judgeKey(known, 'ssh-rsa', 'AAAArsa')).toBe('known');
    expect(judgeKey(known, 'ssh-rsa', 'AAAAother')).toBe('changed');
    // Only the RSA and a P-256 key were recorded: an ed25519 or a P-384 key is new, not a changed key.
    expect(judgeKey(known, 'ssh-ed25519', 'AAAAnew')).toBe('unknown');
    expect(judgeKey(known, 'ecdsa-sha2-nistp384', 'AAAA384')).toBe('unknown');
    expect(judgeKey(known, 'ssh-ed25519', 'AAAAgone')).toBe('revoked');
  });
});
