import { describe, expect, it } from 'vitest';
import { dockerfileInstructions } from './dockerfile';

describe('dockerfileInstructions', () => {
  it('numbers instructions as the builder numbers steps, with the line each starts on', () => {
    const text = ['# syntax note', '', 'ARG BASE=x', 'FROM $BASE', '# comment', 'RUN a && \\', '    # inside', '    b', 'CMD ["sh"]', ''].join('\n');
    expect(dockerfileInstructions(text)).toEqual([
      { line: 3, text: 'ARG BASE=x' },
      { line: 4, text: 'FROM $BASE' },
      { line: 6, text: 'RUN a && b' },
      { line: 9, text: 'CMD ["sh"]' },
    ]);
  });

  it('follows the escape directive', () => {
    expect(dockerfileInstructions('# escape=`\nFROM x\nRUN a `\n  b\n')).toEqual([
      { line: 2, text: 'FROM x' },
      { line: 3, text: 'RUN a b' },
    ]);
  });
});
