import type { Readable } from 'node:stream';

/** Resolves when a shell's prompt ($ or #) has been printed on `source`. */
export function untilPrompt(source: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      // busybox's ash asks where the cursor is (ESC[6n) right after its prompt: ignore escapes.
      const ESC = String.fromCharCode(27);
      if (/[$#]$/.test(seen.split(ESC)[0]?.trimEnd() ?? '')) {
        source.off('data', onData);
        resolve();
      }
    };
    source.on('data', onData);
    source.once('close', () => reject(new Error(`closed before a prompt: ${seen}`)));
  });
}
