import { safeStorage } from 'electron';
import { z } from 'zod';
import { VersionedFile } from '../config/versioned-file';
import { MemorySecrets } from '../nodes/secrets';
import type { SecretKind, Secrets } from '../nodes/secrets';

export type Keychain = { ok: true; backend: string } | { ok: false; why: string };

/**
 * Whether safeStorage really has a keychain behind it. On Linux without a Secret Service (GNOME
 * Keyring, KWallet) Electron falls back, silently, to its "basic_text" store: encryption with a key
 * built into Electron, which anyone with the file can undo. That is no keychain, and Berth says so.
 */
export function keychain(platform: NodeJS.Platform = process.platform): Keychain {
  if (!safeStorage.isEncryptionAvailable()) return { ok: false, why: 'Electron found no keychain to encrypt secrets with on this computer' };
  if (platform !== 'linux') return { ok: true, backend: platform === 'darwin' ? 'Keychain' : 'DPAPI' };
  const backend = safeStorage.getSelectedStorageBackend();
  if (backend === 'basic_text' || backend === 'unknown')
    return {
      ok: false,
      why: `Electron found no Secret Service (GNOME Keyring or KWallet) on this desktop, and its fallback ("${backend}") encrypts with a key built into Electron, which protects nothing. Start a Secret Service, or start Berth with --password-store=gnome-libsecret`,
    };
  return { ok: true, backend };
}

/**
 * The desktop app's secrets: remembered ones are encrypted with Electron safeStorage, whose key
 * lives in the OS keychain (Keychain, DPAPI, libsecret/kwallet), and only the ciphertext is kept in
 * the config folder. Where no real keychain is available, nothing is written, secrets last the
 * run, and the reason is logged once.
 */
export class SafeStorageSecrets implements Secrets {
  private readonly session = new MemorySecrets();
  private readonly file: VersionedFile<Record<string, string>>;
  private told = false;

  constructor(
    path: string,
    private readonly platform: NodeJS.Platform = process.platform,
    private readonly log: (line: string) => void = (line) => console.warn(line),
  ) {
    this.file = new VersionedFile(path, 1, z.record(z.string(), z.string()), () => ({}), 'your saved secrets');
  }

  async get(node: string, kind: SecretKind): Promise<string | null> {
    const held = await this.session.get(node, kind);
    if (held !== null) return held;
    const stored = (await this.file.load()).value[key(node, kind)];
    if (stored === undefined || !safeStorage.isEncryptionAvailable()) return null;
    try {
      return safeStorage.decryptString(Buffer.from(stored, 'base64'));
    } catch {
      // Encrypted under another keychain (the desktop changed): ask the user again.
      return null;
    }
  }

  async put(node: string, kind: SecretKind, value: string, remember: boolean): Promise<boolean> {
    await this.session.put(node, kind, value);
    if (!remember) return false;
    const store = keychain(this.platform);
    if (!store.ok) {
      if (!this.told) this.log(`berth: secrets are kept only until Berth quits: ${store.why}.`);
      this.told = true;
      return false;
    }
    const sealed = safeStorage.encryptString(value).toString('base64');
    await this.file.update((all) => ({ ...all, [key(node, kind)]: sealed }));
    return true;
  }

  async forget(node: string, kind: SecretKind): Promise<void> {
    await this.session.forget(node, kind);
    await this.file.update((all) => Object.fromEntries(Object.entries(all).filter(([name]) => name !== key(node, kind))));
  }
}

function key(node: string, kind: SecretKind): string {
  return `${node}/${kind}`;
}
