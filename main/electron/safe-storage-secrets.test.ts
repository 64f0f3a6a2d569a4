import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Electron cannot run here; this fakes only safeStorage (a reversible "encryption" that is visibly not plain text).
let available = true;
let backend = 'gnome_libsecret';
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (text: string) => Buffer.from(`enc:${Buffer.from(text).toString('hex')}`),
    decryptString: (data: Buffer) => Buffer.from(data.toString().slice(4), 'hex').toString(),
  },
}));
const { SafeStorageSecrets } = await import('./safe-storage-secrets');

function store(platform: NodeJS.Platform = 'linux'): { secrets: InstanceType<typeof SafeStorageSecrets>; file: string; logged: string[] } {
  const file = join(mkdtempSync(join(tmpdir(), 'berth-secrets-')), 'secrets.json');
  const logged: string[] = [];
  return { secrets: new SafeStorageSecrets(file, platform, (line) => logged.push(line)), file, logged };
}

describe('SafeStorageSecrets', () => {
  it('keeps a remembered secret only as ciphertext, and reads it back in a later run', async () => {
    const { secrets, file } = store();
    await secrets.put('gpu-a', 'password', 'hunter2 $(touch /tmp/x)', true);
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    expect(await new SafeStorageSecrets(file).get('gpu-a', 'password')).toBe('hunter2 $(touch /tmp/x)');
  });

  it('holds a secret not to be remembered for this run only', async () => {
    const { secrets, file } = store();
    await secrets.put('gpu-a', 'passphrase', 'p', false);
    expect(await secrets.get('gpu-a', 'passphrase')).toBe('p');
    expect(await new SafeStorageSecrets(file).get('gpu-a', 'passphrase')).toBeNull();
  });

  it('forgets a refused secret, on disk too', async () => {
    const { secrets, file } = store();
    await secrets.put('gpu-a', 'password', 'old', true);
    await secrets.forget('gpu-a', 'password');
    expect(await new SafeStorageSecrets(file).get('gpu-a', 'password')).toBeNull();
  });

  it('writes nothing where the OS offers no keychain', async () => {
    available = false;
    try {
      const { secrets, file } = store();
      await secrets.put('gpu-a', 'password', 'x', true);
      expect(() => readFileSync(file)).toThrow();
      expect(await secrets.get('gpu-a', 'password')).toBe('x');
    } finally {
      available = true;
    }
  });

  it('refuses to remember on Linux when safeStorage fell back to its built-in key (basic_text), and says why once', async () => {
    backend = 'basic_text';
    try {
      const { secrets, file, logged } = store('linux');
      expect(await secrets.put('gpu-a', 'password', 'x', true)).toBe(false);
      expect(await secrets.put('gpu-b', 'password', 'y', true)).toBe(false);
      expect(() => readFileSync(file)).toThrow();
      expect(await secrets.get('gpu-a', 'password')).toBe('x');
      expect(logged).toHaveLength(1);
      expect(logged[0]).toMatch(
        /only until Berth quits: .*no Secret Service.*"basic_text".*key built into Electron.*--password-store=gnome-libsecret/,
      );
    } finally {
      backend = 'gnome_libsecret';
    }
  });

  it('remembers with a real Secret Service on Linux, and on macOS whatever Linux backend name is reported', async () => {
    const linux = store('linux');
    expect(await linux.secrets.put('gpu-a', 'password', 'x', true)).toBe(true);
    backend = 'unknown';
    try {
      const mac = store('darwin');
      expect(await mac.secrets.put('gpu-a', 'password', 'x', true)).toBe(true);
      expect(mac.logged).toEqual([]);
    } finally {
      backend = 'gnome_libsecret';
    }
  });
});
