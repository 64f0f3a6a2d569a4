import { describe, expect, it } from 'vitest';
import { credentialHosts, credentialLine, readGitConfig, removeCredentials, setCredentials, setGitConfig, unsetGitConfig } from './git-files';

const existing = ['# mine', '[core]', '\teditor = vim', '[user]', '\tname = Old Name', '[remote "origin"]', '\turl = x', ''].join('\n');

describe('git config edits', () => {
  it('sets values in place or in their section, keeps the rest, and changes nothing the second time', () => {
    let text = setGitConfig(existing, 'user', 'name', 'Alice $(touch /tmp/x)');
    text = setGitConfig(text, 'user', 'email', 'alice@example.org');
    text = setGitConfig(text, 'credential', 'helper', 'store');
    expect(text).toBe(
      [
        '# mine',
        '[core]',
        '\teditor = vim',
        '[user]',
        '\tname = Alice $(touch /tmp/x)',
        '\temail = alice@example.org',
        '[remote "origin"]',
        '\turl = x',
        '[credential]',
        '\thelper = store',
        '',
      ].join('\n'),
    );
    const again = setGitConfig(
      setGitConfig(setGitConfig(text, 'user', 'name', 'Alice $(touch /tmp/x)'), 'user', 'email', 'alice@example.org'),
      'credential',
      'helper',
      'store',
    );
    expect(again).toBe(text);
    expect(readGitConfig(text, 'user', 'name')).toBe('Alice $(touch /tmp/x)');
    expect(readGitConfig(text, 'remote', 'url')).toBeNull();
  });

  it('quotes what git would read as a comment, and reads it back', () => {
    const text = setGitConfig('', 'user', 'name', 'A "quoted" #name; ');
    expect(text).toBe('[user]\n\tname = "A \\"quoted\\" #name; "\n');
    expect(readGitConfig(text, 'user', 'name')).toBe('A "quoted" #name; ');
  });

  it('unsets only the value Berth set, dropping a section left empty', () => {
    const text = setGitConfig(existing, 'credential', 'helper', 'store');
    expect(unsetGitConfig(text, 'credential', 'helper', 'store')).toBe(existing);
    expect(unsetGitConfig(setGitConfig(existing, 'credential', 'helper', 'cache'), 'credential', 'helper', 'store')).toContain('helper = cache');
  });
});

describe('git credentials', () => {
  it('stores a token exactly, however odd: what git decodes is the token', () => {
    const token = 'ghp_a$(touch /tmp/x)\n`b` c@d:e/f%';
    const line = credentialLine({ host: 'GitHub.com', username: 'alice', token });
    expect(line).not.toContain('\n');
    const url = new URL(line);
    expect(url.host).toBe('github.com');
    expect(decodeURIComponent(url.password)).toBe(token);
  });

  it('replaces a host’s line, keeps the others, and removes them again', () => {
    const before = 'https://me:old@github.com\nhttps://me:keep@gitlab.example.org\n';
    const set = setCredentials(before, [{ host: 'github.com', username: 'me', token: 'new' }]);
    expect(set).toBe('https://me:keep@gitlab.example.org\nhttps://me:new@github.com\n');
    expect(credentialHosts(set).sort()).toEqual(['github.com', 'gitlab.example.org']);
    expect(setCredentials(set, [{ host: 'github.com', username: 'me', token: 'new' }])).toBe(set);
    expect(removeCredentials(set, ['github.com'])).toBe('https://me:keep@gitlab.example.org\n');
    expect(removeCredentials('https://me:x@github.com\n', ['github.com'])).toBe('');
  });
});
