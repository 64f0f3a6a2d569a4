import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const ciRun = readFileSync(new URL('../.ci/run', import.meta.url), 'utf8');

function quickStartCommands(): string[] {
  const section = /## Quick start\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((match) => (match[1] ?? '').trim().split('\n'));
}

describe('README', () => {
  it('has a Quick start of exactly two command lines', () => {
    expect(quickStartCommands()).toHaveLength(2);
  });

  it('CI runs its test line verbatim', () => {
    const testLine = quickStartCommands()[1] ?? 'missing';
    expect(testLine).toContain('npm test');
    expect(ciRun.split('\n')).toContain(testLine);
  });

  it('shows a screenshot that exists', () => {
    const image = /!\[[^\]]+\]\(([^)]+\.png)\)/.exec(readme)?.[1] ?? 'missing.png';
    expect(() => readFileSync(new URL(`../${image}`, import.meta.url))).not.toThrow();
  });

  it('says in its status line what Berth does today, not what comes next', () => {
    const status = /\*\*Status:\*\*([\s\S]*?)\n\n/.exec(readme)?.[1] ?? '';
    expect(status).not.toMatch(/come(s)? next/);
    for (const part of ['terminals', 'images', 'sessions', 'nodes']) expect(status).toContain(part);
  });
});
