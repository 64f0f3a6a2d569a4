import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Electron cannot run here; this fakes only safeStorage (a reversible "encryption" that is visibly not plain text).
let available = true;
vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => available,
    encryptString: (text: string) => Buffer.from(`enc:${Buffer.from(text).toString('hex')}`),
    decryptString: (data: Buffer) => Buffer.from(data.toString().slice(4), 'hex').toString(),
  },
}));
const { SafeStorageSecrets } = await import('./safe-storage-secrets');

function store(): { secrets: InstanceType<typeof SafeStorageSecrets>; file: string } {
  const file = join(mkdtempSync(join(tmpdir(), 'berth-secrets-')), 'secrets.json');
  return { secrets: new SafeStorageSecrets(file), file };
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
});
