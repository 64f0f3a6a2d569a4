import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { VersionedFile } from './versioned-file';

const schema = z.array(z.string());
function fixture(content?: string): { file: VersionedFile<string[]>; path: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-vf-'));
  const path = join(dir, 'things.json');
  if (content !== undefined) writeFileSync(path, content);
  return { file: new VersionedFile(path, 1, schema, () => [], 'your things'), path, dir };
}

describe('VersionedFile', () => {
  it('starts empty when there is no file, and round-trips what it saves', async () => {
    const { file, path } = fixture();
    expect(await file.load()).toEqual({ value: [] });
    await file.save(['a', 'b']);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, data: ['a', 'b'] });
    expect(await file.load()).toEqual({ value: ['a', 'b'] });
  });

  it('keeps a corrupt file aside and says so, never silently resetting it', async () => {
    const { file, dir } = fixture('{"version":1,"data":["a",');
    const loaded = await file.load();
    expect(loaded.value).toEqual([]);
    expect(loaded.problem).toMatch(/could not read your things .*not valid JSON.*kept as .*things\.json\.unreadable-/);
    const kept = readdirSync(dir).find((name) => name.includes('unreadable'));
    expect(kept && readFileSync(join(dir, kept), 'utf8')).toBe('{"version":1,"data":["a",');
  });

  it('keeps aside a file whose data does not fit the schema', async () => {
    const { file } = fixture('{"version":1,"data":[1,2]}');
    expect((await file.load()).problem).toContain('data.0');
  });

  it('refuses to overwrite a file from a newer Berth', async () => {
    const { file, path } = fixture('{"version":9,"data":["future"]}');
    expect((await file.load()).problem).toContain('newer Berth');
    await expect(file.save(['x'])).rejects.toThrow('newer Berth');
    expect(readFileSync(path, 'utf8')).toContain('future');
  });

  it('writes files only the user can read', async () => {
    const { file, path } = fixture();
    await file.save(['secret-ish']);
    const { statSync } = await import('node:fs');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
