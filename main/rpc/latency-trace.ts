import { appendFile } from 'node:fs';

/**
 * Timestamps of a keystroke's way through Berth, for bench/terminal.bench.ts only: set
 * BERTH_LATENCY_TRACE to a file and each hop appends "wall-clock-ms hop id" lines to it, written a
 * moment later so the writing costs the measured path nothing. Unset (always, outside the bench),
 * `traceHop` is a function that returns at once.
 */
const file = process.env.BERTH_LATENCY_TRACE;
let pending: string[] = [];

function record(hop: string, id: string): void {
  pending.push(`${(performance.timeOrigin + performance.now()).toFixed(3)} ${hop} ${id}\n`);
  if (pending.length > 1) return;
  setTimeout(() => {
    const lines = pending.join('');
    pending = [];
    appendFile(file as string, lines, () => undefined);
  }, 200).unref();
}

export const traceHop: (hop: string, id: string) => void = file ? record : () => undefined;
export const tracing = file !== undefined;
