export type SecretKind = 'password' | 'passphrase';

/**
 * Where a node's password or key passphrase (or the library's password) comes from. The desktop
 * app keeps remembered ones in the OS keychain through Electron safeStorage; browser mode and the
 * CLI through the Secret Service (secret-tool) where one answers, else in memory for the run.
 * Never in the bookmarks or settings files.
 */
export interface Secrets {
  /** The secret at hand, or null when Berth must ask the user. */
  get(node: string, kind: SecretKind): Promise<string | null>;
  /** Keep a secret the user just gave; `remember` asks to keep it beyond this run where a keychain can. Says whether it was kept beyond the run. */
  put(node: string, kind: SecretKind, value: string, remember: boolean): Promise<boolean>;
  /** The secret was refused: forget it, so the next attempt asks again. */
  forget(node: string, kind: SecretKind): Promise<void>;
}

/** Secrets for this run only: what browser mode and the CLI use. */
export class MemorySecrets implements Secrets {
  private readonly values = new Map<string, string>();

  get(node: string, kind: SecretKind): Promise<string | null> {
    return Promise.resolve(this.values.get(`${node}\0${kind}`) ?? null);
  }

  put(node: string, kind: SecretKind, value: string): Promise<boolean> {
    this.values.set(`${node}\0${kind}`, value);
    return Promise.resolve(false);
  }

  forget(node: string, kind: SecretKind): Promise<void> {
    this.values.delete(`${node}\0${kind}`);
    return Promise.resolve();
  }
}
