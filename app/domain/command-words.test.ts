import { describe, expect, it } from 'vitest';
import { commandWords, showArgv } from './command-words';

describe('commandWords', () => {
  it.each([
    ["sh -c 'echo hi; exec sh -i'", ['sh', '-c', 'echo hi; exec sh -i']],
    ['python train.py --lr 0.1', ['python', 'train.py', '--lr', '0.1']],
    ['echo "a b" c', ['echo', 'a b', 'c']],
    ['echo a\\ b', ['echo', 'a b']],
    ['ls *.py', ['ls', '*.py']],
    ['echo $HOME', ['echo', '$HOME']],
    ["echo ''", ['echo', '']],
    ['python -c "print(1)"  # a comment', ['python', '-c', 'print(1)']],
    ['   ', []],
  ])('%s', (text, argv) => expect(commandWords(text)).toEqual({ ok: true, argv }));

  it('refuses text ending inside a quote', () => {
    const words = commandWords("sh -c 'echo hi");
    expect(words.ok).toBe(false);
    if (!words.ok) expect(words.problem).toBe("The command ends inside a ' quote: close it.");
  });

  it('refuses shell operators, saying to wrap the line in sh -c', () => {
    const words = commandWords('make && ./run');
    expect(words.ok).toBe(false);
    if (!words.ok) expect(words.problem).toContain("sh -c '…'");
  });
});

describe('showArgv', () => {
  it('quotes only the words that need it, so the text reads back to the same argv', () => {
    const argv = ['sh', '-c', "echo it's; exec sh -i", 'plain'];
    expect(showArgv(argv)).toBe("sh -c 'echo it'\\''s; exec sh -i' plain");
    expect(commandWords(showArgv(argv))).toEqual({ ok: true, argv });
  });
});
