import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The Electron binary that `npm install electron` downloaded, or why there is none. */
export function electronBinary(): { path: string; why?: undefined } | { path?: undefined; why: string } {
  try {
    // The electron package's main export is the path of its binary; it throws when the download never happened.
    const path = createRequire(import.meta.url)('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { why: 'node_modules/electron names no binary on disk.' };
  } catch {
    return {
      why: 'no Electron binary is installed (its download is not allowed or failed here). Run `node node_modules/electron/install.js` on a machine that can reach Electron releases to include it.',
    };
  }
}
