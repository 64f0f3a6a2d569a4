import type { Readable } from 'node:stream';
import type { TerminalStatus } from '../../app/contract';
import type { Core } from '../core/create-core';
import { coreCall } from './core-call';
import { log } from '../log/log';

/** Docker's detach keys: Ctrl+P then Ctrl+Q leaves the terminal and the session runs on. */
const DETACH = '\x10\x11';

/**
 * A session terminal on this terminal, as `docker attach` / `docker exec -it` give it: raw keys
 * go to the session, its output comes back with backpressure (a paused stdout pauses the node),
 * and the window size follows. Resolves with the exit code to leave with.
 */
export async function runTerminal(core: Core, session: string, kind: 'attach' | 'exec', command: string[], force = false): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  let output: Readable | null = null;
  const opened = await coreCall(
    core,
    'terminals.open',
    { session, kind, command, cols: stdout.columns || 80, rows: stdout.rows || 24, force },
    (source) => (output = source),
  );
  const source = output as Readable | null;
  if (!source) throw new Error('the terminal opened no output.');
  if (kind === 'attach')
    process.stderr.write(`Attached to ${opened.session.name} on ${opened.session.node}. Detach with Ctrl+P Ctrl+Q; the session runs on.\n`);

  let detached = false;
  let previous = '';
  const onKeys = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    if ((previous + text).includes(DETACH)) {
      detached = true;
      source.destroy();
      return;
    }
    previous = text.slice(-1);
    void coreCall(core, 'terminals.input', { terminal: opened.terminal, data: text }).catch(log.ignored('cli', 'a keystroke'));
  };
  const onResize = (): void => {
    void coreCall(core, 'terminals.resize', { terminal: opened.terminal, cols: stdout.columns, rows: stdout.rows }).catch(
      log.ignored('cli', 'a resize'),
    );
  };
  // A dropped connection is waited out in the core; say so, as ssh would not.
  const stopStatus = core.events.subscribe((name, payload) => {
    const status = payload as TerminalStatus;
    if (name === 'terminals.status' && status.terminal === opened.terminal) process.stderr.write(`\r\n[berth] ${status.message}\r\n`);
  });
  if (stdin.isTTY) stdin.setRawMode(true);
  stdin.on('data', onKeys);
  stdout.on('resize', onResize);
  source.pipe(stdout, { end: false });
  try {
    await new Promise<void>((resolve) => source.once('close', resolve));
  } finally {
    stopStatus();
    stdin.off('data', onKeys);
    stdout.off('resize', onResize);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
  }
  if (detached) {
    process.stderr.write(`\nDetached from ${opened.session.name}; it runs on. Reattach with \`berth session attach ${opened.session.id}\`.\n`);
    return 0;
  }
  const exit = await coreCall(core, 'terminals.exit', { terminal: opened.terminal });
  if (exit.connectionLost) {
    process.stderr.write(`\nThe connection to ${opened.session.node} dropped and this process was ended; run the command again for a new one.\n`);
    return 1;
  }
  if (kind === 'attach' || exit.sessionEnded) {
    process.stderr.write(
      `\n${opened.session.name} ${exit.sessionEnded ? 'ended' : 'process ended'}${exit.exitCode === null ? '' : ` with exit code ${exit.exitCode}`}.\n`,
    );
  }
  return exit.exitCode ?? 0;
}
