import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { homedir } from 'node:os';
import type { HostKeyInfo } from '../../app/contract';
import { writeFileAtomic } from '../config/atomic-file';
import { withFileLock } from '../config/file-lock';
import { fingerprint, keyType } from './host-key';
import { hostEntryName, judgeKey, keysFor, parseKnownHosts } from './known-hosts';

export type HostKeyVerdict =
  | { verdict: 'known' }
  | { verdict: 'unknown'; key: HostKeyInfo }
  | { verdict: 'changed'; key: HostKeyInfo }
  | { verdict: 'revoked'; key: HostKeyInfo };

/**
 * Host keys are checked before any credential is sent: against the user's ~/.ssh/known_hosts and
 * Berth's own list (known_hosts in the config folder, same format). Unknown keys need the user's
 * yes, once or for good; a changed key is refused, as OpenSSH refuses it. Keys are compared by
 * type, as OpenSSH does, so a host offering a key of a type not yet recorded is asked about.
 */
export class HostKeys {
  private readonly acceptedOnce = new Set<string>();

  constructor(
    private readonly berthFile: string,
    private readonly userFile: string = join(homedir(), '.ssh', 'known_hosts'),
  ) {}

  async check(host: string, port: number, blob: Buffer): Promise<HostKeyVerdict> {
    const presented = blob.toString('base64');
    const info: HostKeyInfo = { type: keyType(blob), fingerprint: fingerprint(blob) };
    const lines = [...parseKnownHosts(await readOptional(this.userFile)), ...parseKnownHosts(await readOptional(this.berthFile))];
    const known = keysFor(lines, host, port);
    const verdict = judgeKey(known, info.type, presented);
    if (verdict === 'known') return { verdict };
    if (verdict === 'revoked') return { verdict, key: info };
    if (this.acceptedOnce.has(`${hostEntryName(host, port)} ${presented}`)) return { verdict: 'known' };
    if (verdict === 'changed') {
      const expected = known.trusted.filter((entry) => entry.type === info.type).map((entry) => fingerprint(Buffer.from(entry.key, 'base64')));
      return { verdict, key: { ...info, expected } };
    }
    return { verdict, key: info };
  }

  /** Trusts this key for this host until Berth quits. */
  acceptOnce(host: string, port: number, blob: Buffer): void {
    this.acceptedOnce.add(`${hostEntryName(host, port)} ${blob.toString('base64')}`);
  }

  /** Trusts this key for this host from now on, in Berth's own known_hosts. */
  async remember(host: string, port: number, blob: Buffer): Promise<void> {
    const line = `${hostEntryName(host, port)} ${keyType(blob)} ${blob.toString('base64')}\n`;
    // Under the file's lock: two Berths trusting two hosts at once keep both lines.
    await withFileLock(this.berthFile, async () => {
      const existing = await readOptional(this.berthFile);
      await writeFileAtomic(this.berthFile, `${existing}${existing === '' || existing.endsWith('\n') ? '' : '\n'}${line}`, 0o600);
    });
  }
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
