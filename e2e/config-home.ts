import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh Berth config folder for one test. Specs read terminal text from xterm's DOM renderer,
 * so terminals start with WebGL off; the WebGL spec turns it on in Settings, as a user would.
 */
export function newConfigHome(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ version: 1, data: { terminal: { gpuAcceleration: 'off' } } }));
  return dir;
}
