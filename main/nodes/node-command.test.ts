import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { betweenMarkers, commandLine, markedScript, newMarker, quoteWord } from './node-command';

/** What sshd does with an exec request: the login shell runs it as `$SHELL -c TEXT`. */
const LOGIN_SHELLS = ['/bin/bash', '/bin/dash', '/usr/bin/zsh', '/usr/bin/fish', '/usr/bin/tcsh', '/usr/bin/csh'];

const NASTY = [
  'a b',
  "it's",
  'back\\slash',
  'two\\\\',
  '$HOME',
  '`id`',
  '$(touch /tmp/berth-never)',
  '!hist',
  'a!b',
  '!!',
  'semi;colon|pipe&amp',
  '*',
  '~',
  '%x',
  'q"uote',
  '{a,b}',
  'tab\there',
  'é — ü',
  '',
  '-n',
  "\\'",
  'x\\!y',
  '#not a comment',
];

function viaLoginShell(shell: string, script: string, args: string[]): string {
  return execFileSync(shell, ['-c', commandLine(script, args)], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
}

describe('commands on a node, whatever the login shell', () => {
  for (const shell of LOGIN_SHELLS) {
    it(`passes every argument to /bin/sh as one word, unchanged, under ${shell}`, () => {
      const out = viaLoginShell(shell, 'for a in "$@"; do printf "[%s]" "$a"; done', NASTY);
      expect(out).toBe(NASTY.map((arg) => `[${arg}]`).join(''));
    });

    it(`runs a script with quotes, backslashes and ! in it under ${shell}`, () => {
      const out = viaLoginShell(shell, `printf '%s\\n' "it's" && [ ! -e /nonexistent ] && printf '%s\\n' 'a\\b'`, []);
      expect(out).toBe("it's\na\\b\n");
    });
  }

  it('refuses a line break, which csh cannot hold in a word', () => {
    expect(() => quoteWord('two\nlines')).toThrow(/line break/);
  });

  it('reads the output between the markers, whatever rc files printed before', () => {
    const marker = newMarker();
    const text = 'Welcome to the cluster!\nno newline at the end';
    // What sshd would send: the greeting, then the script's own output between markers.
    const out = execFileSync('/bin/sh', ['-c', `printf '%s' "$1"; ${commandLine(markedScript('echo result; echo second'), [marker])}`, 'sh', text], {
      encoding: 'utf8',
    });
    const parsed = betweenMarkers(out, marker);
    expect(parsed?.output).toBe('result\nsecond\n');
    expect(parsed?.complete).toBe(true);
    expect(parsed?.preamble).toContain('Welcome to the cluster!');
    expect(betweenMarkers('no marker here', marker)).toBeNull();
  });
});
