import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { describe, expect, it } from 'vitest';

// No Electron binary exists here, so the packaging step is checked as electron-builder runs it: the
// build config names the hook, and the hook flips the fuse wire of a binary that carries one.
const buildDir = new URL('../../build/', import.meta.url);
type AfterPack = (context: {
  appOutDir: string;
  electronPlatformName: string;
  arch: number;
  packager: { executableName: string; appInfo: { productFilename: string } };
}) => Promise<void>;
const { afterPack } = (await import(new URL('after-pack.js', buildDir).href)) as { afterPack: AfterPack };

/** A stand-in for the Electron binary: its fuse wire (sentinel, version 1, nine fuses) as a stock Electron ships it. */
function fakeElectron(path: string): void {
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  const stock = '101100011'; // RunAsNode, NODE_OPTIONS, inspect, file: privileges and wasm traps on
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(
    path,
    Buffer.concat([Buffer.alloc(4096, 0x7f), Buffer.from(SENTINEL), Buffer.from([1, stock.length]), Buffer.from(stock), Buffer.alloc(64)]),
  );
}

/** How the wire spells a fuse's state: the characters '0' and '1'. */
const FuseState = { DISABLE: '0'.charCodeAt(0), ENABLE: '1'.charCodeAt(0) };

const expected = {
  [FuseV1Options.RunAsNode]: FuseState.DISABLE,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: FuseState.DISABLE,
  [FuseV1Options.EnableNodeCliInspectArguments]: FuseState.DISABLE,
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: FuseState.ENABLE,
  [FuseV1Options.OnlyLoadAppFromAsar]: FuseState.ENABLE,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: FuseState.DISABLE,
};

describe('Electron fuses in the packaged app', () => {
  it('are flipped by the afterPack hook the build config names, with the app packed as one asar', () => {
    const config = readFileSync(new URL('electron-builder.yml', buildDir), 'utf8').split('\n');
    expect(config).toContain('afterPack: build/after-pack.js');
    expect(config).toContain('asar: true');
  });

  it.each([
    ['linux', 'berth'],
    ['win32', 'Berth.exe'],
    ['darwin', 'Berth.app/Contents/Frameworks/Electron Framework.framework/Electron Framework'],
  ])('on %s: RunAsNode, NODE_OPTIONS and inspect off, ASAR integrity and ASAR-only on', async (platform, binary) => {
    const appOutDir = mkdtempSync(join(tmpdir(), 'berth-fuses-'));
    fakeElectron(join(appOutDir, binary));
    await afterPack({
      appOutDir,
      electronPlatformName: platform,
      arch: 1,
      packager: { executableName: 'berth', appInfo: { productFilename: 'Berth' } },
    });
    const wire = await getCurrentFuseWire(join(appOutDir, binary.split('/Contents/')[0] ?? binary));
    expect(wire).toMatchObject(expected);
    // Cookie encryption and the V8 snapshot are left as Electron ships them.
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.DISABLE);
  });
});
