import { createCore } from '../core/create-core';
import { SecretToolSecrets } from '../nodes/secret-tool-secrets';
import type { Core } from '../core/create-core';

/** Runs a command's work against a fresh in-process core, closing its connections after. */
export async function withCore<T>(work: (core: Core) => Promise<T>): Promise<T> {
  const core = createCore({ mode: 'cli', secrets: new SecretToolSecrets() });
  try {
    return await work(core);
  } finally {
    await core.close();
  }
}
