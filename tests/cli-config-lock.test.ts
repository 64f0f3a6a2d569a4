import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliUser } from './support/cli-user';

// Many `berth` processes changing one user's config folder at once, as scripts and the app do.
describe('config files under concurrent CLI runs', () => {
  it('keeps all 20 bookmarks when 20 `berth node add` run at once', async () => {
    const { berth, berthAsync } = cliUser('cli-lock', 120_000);
    const names = Array.from({ length: 20 }, (_, n) => `node-${n}`);
    const runs = await Promise.all(names.map((name, n) => berthAsync('node', 'add', name, '--host', `10.0.0.${n + 1}`, '--user', 'alice')));
    for (const [n, run] of runs.entries()) {
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`Added node-${n}`);
    }
    const listed = JSON.parse(berth('node', 'list', '--format', 'json').stdout) as { name: string }[];
    expect(listed.map((bookmark) => bookmark.name).sort()).toEqual([...names].sort());
  }, 180_000);

  it('removes a temporary file a crashed run left beside the bookmarks', () => {
    const { berth, env } = cliUser('cli-stray');
    const dir = env.BERTH_HOME ?? '';
    expect(berth('node', 'add', 'first', '--host', '10.0.0.1').status).toBe(0);
    // What a run killed between writing its temporary file and renaming it leaves behind.
    writeFileSync(join(dir, '.bookmarks.json.a1b2c3d4e5f6.tmp'), '{"version":1,"data":[{"name":"torn');
    expect(berth('node', 'add', 'second', '--host', '10.0.0.2').status).toBe(0);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const listed = JSON.parse(berth('node', 'list', '--format', 'json').stdout) as { name: string }[];
    expect(listed.map((bookmark) => bookmark.name)).toEqual(['first', 'second']);
  });
});
