import { open, readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';

/**
 * The private keys in ~/.ssh, for the Add node dialog's Browse: a browser page cannot name a file
 * on this computer by its path, so Berth lists the ones a key file usually is.
 */
export async function listKeyFiles(dir = join(homedir(), '.ssh')): Promise<{ dir: string; files: string[] }> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const files: string[] = [];
  for (const name of names.sort()) {
    if (name.endsWith('.pub') || name.startsWith('known_hosts') || name === 'config' || name === 'authorized_keys') continue;
    const path = join(dir, name);
    const head = await open(path, 'r')
      .then(async (handle) => {
        try {
          const buffer = Buffer.alloc(64);
          const { bytesRead } = await handle.read(buffer, 0, 64, 0);
          return buffer.subarray(0, bytesRead).toString('latin1');
        } finally {
          await handle.close();
        }
      })
      .catch(() => '');
    if (/^-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(head)) files.push(path);
  }
  return { dir, files };
}

/** Whether a key file is there, readable, and a private key Berth can use; said in words beside the field. */
export async function checkKeyFile(path: string): Promise<{ ok: boolean; message: string }> {
  const data = await readFile(path).catch((error: NodeJS.ErrnoException) => error);
  if (data instanceof Error) {
    const code = data.code;
    const why =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES'
          ? 'cannot be read (permission denied)'
          : code === 'EISDIR'
            ? 'is a folder'
            : data.message;
    return { ok: false, message: `${path} ${why}.` };
  }
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) {
    if (/passphrase/i.test(parsed.message)) return { ok: true, message: 'A private key with a passphrase: Berth asks for it when it connects.' };
    return { ok: false, message: `${path} is not a private key Berth can read (${parsed.message}).` };
  }
  return { ok: true, message: 'A private key Berth can use.' };
}
