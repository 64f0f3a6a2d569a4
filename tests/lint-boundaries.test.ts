import { rmSync, writeFileSync } from 'node:fs';
import { ESLint } from 'eslint';
import { afterEach, describe, expect, it } from 'vitest';

// Each probe is a real file put where a careless import would go, linted with the project's own config.
const probes: string[] = [];

async function lintProbe(path: string, source: string): Promise<string[]> {
  probes.push(path);
  writeFileSync(path, source);
  const [result] = await new ESLint({ cwd: process.cwd() }).lintFiles([path]);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

afterEach(() => {
  for (const path of probes.splice(0)) rmSync(path, { force: true });
});

describe('layer boundaries', () => {
  it('fails a renderer file that imports main/', async () => {
    const messages = await lintProbe('renderer/nodes/zz-boundary-probe.ts', "import { Peer } from '../../main/rpc/peer';\nexport const p = Peer;\n");
    expect(messages).toEqual([expect.stringContaining('through the contract in app/')]);
  });

  it('fails a core file that imports electron', async () => {
    const messages = await lintProbe('main/nodes/zz-boundary-probe.ts', "import { app } from 'electron';\nexport const a = app;\n");
    expect(messages).toEqual([expect.stringContaining('Only main/electron/ may import electron')]);
  });

  it('fails a core file that reaches into the Electron shell', async () => {
    const messages = await lintProbe(
      'main/nodes/zz-boundary-probe.ts',
      "import { IPC_CHANNEL } from '../electron/channels';\nexport const c = IPC_CHANNEL;\n",
    );
    expect(messages).toEqual([expect.stringContaining('must not depend on the Electron shell')]);
  });

  it('fails an app/ file that imports a Node module', async () => {
    const messages = await lintProbe('app/domain/zz-boundary-probe.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n");
    expect(messages).toEqual([expect.stringContaining('app/ is pure')]);
  });

  it('lets main/electron import electron and the core', async () => {
    const messages = await lintProbe(
      'main/electron/zz-boundary-probe.ts',
      "import { app } from 'electron';\nimport { configDir } from '../config/config-dir';\nexport const both = [app, configDir];\n",
    );
    expect(messages).toEqual([]);
  });
});
