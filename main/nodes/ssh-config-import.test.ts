import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSshConfig } from './ssh-config-import';

function configFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'berth-sshcfg-')), 'config');
  writeFileSync(file, text);
  return file;
}

describe('importSshConfig', () => {
  it('turns each named host into a bookmark, as ssh would resolve it', async () => {
    const file = configFile(`
Host bastion
  HostName bastion.example.org
  User alice

Host gpu-node-3 gpu-node-4
  HostName %h.cluster.example.org
  ProxyJump bastion

Host gpu-node-3
  Port 2222
  IdentityFile ~/.ssh/id_gpu

Host *
  User alice
  Match exec "touch /tmp/berth-should-not-run"
`);
    const result = await importSshConfig(file);
    expect(result.bookmarks).toEqual([
      {
        name: 'bastion',
        host: 'bastion.example.org',
        port: 22,
        user: 'alice',
        auth: { kind: 'agent' },
        dockerSocket: '/var/run/docker.sock',
        allowedHostPaths: [],
      },
      {
        name: 'gpu-node-3',
        host: 'gpu-node-3.cluster.example.org',
        port: 2222,
        user: 'alice',
        auth: { kind: 'key', keyFile: join(homedir(), '.ssh/id_gpu') },
        jump: 'bastion',
        dockerSocket: '/var/run/docker.sock',
        allowedHostPaths: [],
      },
      expect.objectContaining({ name: 'gpu-node-4', host: 'gpu-node-4.cluster.example.org', port: 22, jump: 'bastion' }),
    ]);
    expect(result.skipped).toEqual([]);
  });

  it('skips a host whose jump has no entry, and says why', async () => {
    const result = await importSshConfig(configFile('Host inner\n  ProxyJump outer.example.org\n'));
    expect(result.bookmarks).toEqual([]);
    expect(result.skipped[0]).toContain('inner: its ProxyJump outer.example.org has no Host entry');
  });

  it('says plainly when there is no config', async () => {
    await expect(importSshConfig('/nonexistent/ssh/config')).rejects.toThrow('There is no SSH config at /nonexistent/ssh/config.');
  });
});
