import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { inspect } from 'node:util';

/**
 * Berth's log: one line per event (connections, reconnect attempts and their cause, node commands
 * that failed, errors that were caught and set aside), in `berth.log` in the config folder, rotated
 * at 1 MiB with three old files kept. `--verbose` also prints each line to stderr as it happens.
 *
 * Written by hand rather than with pino: its file rotation runs in a worker-thread transport, which
 * the Electron bundle and a CLI that lives for a second would both pay for; Berth logs a few lines a
 * minute. Nothing secret is ever passed in: callers log node names, commands' purposes and errors.
 */
export type Level = 'debug' | 'info' | 'warn' | 'error';

const MAX_BYTES = 1024 * 1024;
const KEEP = 3;

interface Sink {
  file: string | null;
  verbose: boolean;
  size: number;
}

const sink: Sink = { file: null, verbose: false, size: 0 };

/** Where the log goes; until called (unit tests), lines go nowhere unless verbose. */
export function configureLog(options: { file?: string | null; verbose?: boolean }): void {
  if (options.file !== undefined) {
    sink.file = options.file;
    sink.size = 0;
    if (options.file) {
      mkdirSync(dirname(options.file), { recursive: true, mode: 0o700 });
      try {
        sink.size = statSync(options.file).size;
      } catch {
        // No log yet: it starts empty.
      }
    }
  }
  if (options.verbose !== undefined) sink.verbose = options.verbose;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return inspect(error, { depth: 3, breakLength: Infinity });
}

function write(level: Level, scope: string, message: string, error?: unknown): void {
  const line = `${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} [${scope}] ${message}${error === undefined ? '' : ` — ${describe(error)}`}\n`;
  if (sink.verbose) process.stderr.write(line);
  if (!sink.file) return;
  try {
    if (sink.size + line.length > MAX_BYTES) rotate(sink.file);
    appendFileSync(sink.file, line, { mode: 0o600 });
    sink.size += Buffer.byteLength(line);
  } catch {
    // A log that cannot be written must not break the work it describes.
  }
}

function rotate(file: string): void {
  for (let index = KEEP - 1; index >= 1; index--) {
    try {
      renameSync(`${file}.${index}`, `${file}.${index + 1}`);
    } catch {
      // That generation does not exist yet.
    }
  }
  try {
    renameSync(file, `${file}.1`);
  } catch {
    // Nothing to rotate.
  }
  sink.size = 0;
}

export const log = {
  debug: (scope: string, message: string, error?: unknown): void => write('debug', scope, message, error),
  info: (scope: string, message: string, error?: unknown): void => write('info', scope, message, error),
  warn: (scope: string, message: string, error?: unknown): void => write('warn', scope, message, error),
  error: (scope: string, message: string, error?: unknown): void => write('error', scope, message, error),
  /** For `.catch(log.ignored('scope', 'what'))`: an error set aside on purpose is still written down. */
  ignored:
    (scope: string, what: string) =>
    (error: unknown): undefined => {
      write('debug', scope, `${what} (set aside)`, error);
      return undefined;
    },
};
