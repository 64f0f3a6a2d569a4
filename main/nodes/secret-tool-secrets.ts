import { spawn } from 'node:child_process';
import { MemorySecrets } from './secrets';
import type { SecretKind, Secrets } from './secrets';

const TIMEOUT_MS = 5000;

/** Runs secret-tool with an argv (never a shell); the secret, if any, goes on stdin. */
function secretTool(args: string[], input = ''): Promise<{ ok: boolean; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('secret-tool', args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: TIMEOUT_MS });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.on('error', (error) => resolve({ ok: false, out: '', err: error.message }));
    child.on('close', (code) => resolve({ ok: code === 0, out, err }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/**
 * Secrets for browser mode and the CLI: remembered ones go to the desktop's Secret Service
 * (GNOME Keyring, KWallet) through libsecret's secret-tool, so the keychain, not Berth, holds them.
 * Where none answers they last for the run, and `put` says so.
 */
export class SecretToolSecrets implements Secrets {
  private readonly session = new MemorySecrets();

  async get(node: string, kind: SecretKind): Promise<string | null> {
    const held = await this.session.get(node, kind);
    if (held !== null) return held;
    const found = await secretTool(['lookup', ...attributes(node, kind)]);
    return found.ok && found.out !== '' ? found.out : null;
  }

  async put(node: string, kind: SecretKind, value: string, remember: boolean): Promise<boolean> {
    await this.session.put(node, kind, value);
    if (!remember) return false;
    return (await secretTool(['store', `--label=Berth: ${kind} for ${node}`, ...attributes(node, kind)], value)).ok;
  }

  async forget(node: string, kind: SecretKind): Promise<void> {
    await this.session.forget(node, kind);
    await secretTool(['clear', ...attributes(node, kind)]);
  }
}

function attributes(node: string, kind: SecretKind): string[] {
  return ['application', 'berth', 'account', node, 'kind', kind];
}
