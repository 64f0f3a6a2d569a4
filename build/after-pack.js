// electron-builder's afterPack hook (an ES module, which electron-builder imports): flips Electron's fuses in the packaged binary, before signing.
// Fuses are switches compiled into Electron that only the binary itself can change, so no
// environment variable or command-line flag can turn the app back into a plain Node.js runtime.
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion } from '@electron/fuses';

/** Berth's fuses, as Electron's security checklist asks. */
export const BERTH_FUSES = {
  // `ELECTRON_RUN_AS_NODE=1 Berth script.js` would run any script with the app's own trust.
  [FuseV1Options.RunAsNode]: false,
  // NODE_OPTIONS (--require a preload of someone else's) is ignored.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect and friends cannot attach a debugger to the main process.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // The app's code is checked against the hash recorded at build time (macOS and Windows).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only the (integrity-checked) app.asar is loaded, never a loose app folder put beside it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Berth loads its pages from berth://, never file://: file: URLs get no extra privileges.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

const ARM64 = 3; // electron-builder's Arch.arm64

/** The Electron binary (or .app bundle) electron-builder just packed. */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const name = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${name}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${name}.exe`);
  return join(appOutDir, packager.executableName);
}

/** @param {import('app-builder-lib').AfterPackContext} context */
export async function afterPack(context) {
  await flipFuses(electronBinary(context), {
    version: FuseVersion.V1,
    // Flipping fuses breaks the ad-hoc signature Apple Silicon needs; electron-builder signs properly later.
    resetAdHocDarwinSignature: context.electronPlatformName === 'darwin' && context.arch === ARM64,
    ...BERTH_FUSES,
  });
}

export default afterPack;
