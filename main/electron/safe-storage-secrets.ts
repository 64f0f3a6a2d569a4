import { safeStorage } from 'electron';
import { z } from 'zod';
import { VersionedFile } from '../config/versioned-file';
import { MemorySecrets } from '../nodes/secrets';
import type { SecretKind, Secrets } from '../nodes/secrets';

/**
 * The desktop app's secrets: remembered ones are encrypted with Electron safeStorage, whose key
 * lives in the OS keychain (Keychain, DPAPI, libsecret/kwallet), and only the ciphertext is kept in
 * the config folder. Where no keychain is available, nothing is written and secrets last the run.
 */
export class SafeStorageSecrets implements Secrets {
  private readonly session = new MemorySecrets();
  private readonly file: VersionedFile<Record<string, string>>;

  constructor(path: string) {
    this.file = new VersionedFile(path, 1, z.record(z.string(), z.string()), () => ({}), 'your saved secrets');
  }

  async get(node: string, kind: SecretKind): Promise<string | null> {
    const held = await this.session.get(node, kind);
    if (held !== null) return held;
    const stored = (await this.file.load()).value[key(node, kind)];
    if (stored === undefined || !safeStorage.isEncryptionAvailable()) return null;
    return safeStorage.decryptString(Buffer.from(stored, 'base64'));
  }

  async put(node: string, kind: SecretKind, value: string, remember: boolean): Promise<boolean> {
    await this.session.put(node, kind, value);
    if (!remember || !safeStorage.isEncryptionAvailable()) return false;
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
