import type { Readable } from 'node:stream';
import type { Core } from '../../main/core/create-core';

/** Runs a command in a session through a real exec terminal and returns what it printed. */
export async function runInSession(core: Core, session: string, command: string[]): Promise<string> {
  let source: Readable | null = null;
  await core.dispatcher.call(
    'terminals.open',
    { session, kind: 'exec', command, cols: 200, rows: 50 },
    {
      signal: new AbortController().signal,
      openStream: (readable) => {
        source = readable;
        return { stream: 'test' };
      },
    },
  );
  const output = source as Readable | null;
  if (!output) throw new Error('terminals.open opened no stream');
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  await new Promise((resolve) => output.once('close', resolve));
  return text.replace(/\r\n/g, '\n');
}
