import type { Readable } from 'node:stream';
import type { Result } from '../../app/contract';
import type { Core } from '../../main/core/create-core';
import { callContext } from './core-fixture';

export interface TestTerminal {
  terminal: string;
  /** Everything printed so far, with \r\n as \n. */
  text(): string;
  type(data: string): Promise<void>;
  /** Resolves once `pattern` has been printed, or rejects after a while saying what was. */
  waitFor(pattern: string | RegExp, timeoutMs?: number): Promise<void>;
  closed: Promise<void>;
  close(): void;
}

/** Opens a real terminal on a session through the core, as the UI does, and reads what it prints. */
export async function openTerminal(core: Core, session: string, kind: 'attach' | 'exec', command: string[] = []): Promise<TestTerminal> {
  let source: Readable | null = null;
  const opened = (await core.dispatcher.call(
    'terminals.open',
    { session, kind, command, cols: 200, rows: 50 },
    callContext((readable) => {
      source = readable;
      return { stream: 'test' };
    }),
  )) as Result<'terminals.open'>;
  const output = source as Readable | null;
  if (!output) throw new Error('terminals.open opened no stream');
  let text = '';
  output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const closed = new Promise<void>((resolve) => output.once('close', () => resolve()));
  const seen = (pattern: string | RegExp): boolean => (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text));
  return {
    terminal: opened.terminal,
    text: () => text.replace(/\r\n/g, '\n'),
    type: async (data) => void (await core.dispatcher.call('terminals.input', { terminal: opened.terminal, data }, callContext())),
    async waitFor(pattern, timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      while (!seen(pattern)) {
        if (Date.now() > until) throw new Error(`the terminal did not print ${String(pattern)}; it printed:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    closed,
    close: () => output.destroy(),
  };
}

/** Runs a command in a session through a real exec terminal and returns what it printed. */
export async function runInSession(core: Core, session: string, command: string[]): Promise<string> {
  const terminal = await openTerminal(core, session, 'exec', command);
  await terminal.closed;
  return terminal.text();
}
