import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { describe, expect, it } from 'vitest';
import { folderContext, packContext } from './build-context';

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-context-unit-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('build contexts', () => {
  it("follows .dockerignore as Docker does, always keeping the Dockerfile and .dockerignore, and skips ignored folders' insides", async () => {
    const dir = folder({
      Dockerfile: 'FROM x\n',
      '.dockerignore': '# comment\nDockerfile\n.dockerignore\n*.log\ncache\n!keep.log\n',
      'a.log': '',
      'keep.log': '',
      'sub/b.log': '',
      'cache/huge.bin': '',
      'src/main.py': '',
    });
    const context = await folderContext(dir);
    const paths = context.entries.map((entry) => entry.path).sort();
    expect(paths).toEqual(['.dockerignore', 'Dockerfile', 'keep.log', 'src', 'src/main.py', 'sub', 'sub/b.log']);
    expect(context.ignored).toBe(2);
  });

  it('packs a tar whose size is the one announced, with the files as they are on disk', async () => {
    const dir = folder({ Dockerfile: 'FROM x\n', [`deep/${'n'.repeat(120)}.txt`]: 'y'.repeat(1000) });
    const context = await folderContext(dir);
    const tar = await buffer(packContext(context.entries));
    expect(tar.byteLength).toBe(context.bytes);
    expect(tar.includes(Buffer.from('y'.repeat(1000)))).toBe(true);
  });

  it('takes a lone Dockerfile as its folder, and says when there is none', async () => {
    const dir = folder({ 'Containerfile.dev': 'FROM x\n', 'data.txt': 'd' });
    const context = await folderContext(join(dir, 'Containerfile.dev'));
    expect(context.dockerfile).toBe('Containerfile.dev');
    expect(context.entries.map((entry) => entry.path).sort()).toEqual(['Containerfile.dev', 'data.txt']);
    await expect(folderContext(dir)).rejects.toThrow(`There is no Dockerfile in ${dir}.`);
  });
});
