import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';

// The terminal bench's small tools for processes and figures, kept apart from its measurements.

/** One keystroke through a plain `ssh -tt` shell: the time until its echo comes back. */
export function sshEcho(shell: ChildProcessWithoutNullStreams, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const timer = setTimeout(() => reject(new Error(`no echo from ssh within ${timeoutMs} ms`)), timeoutMs);
    shell.stdout.once('data', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    });
    shell.stdin.write('x');
  });
}

/** Ends a process started with `ssh -tt … docker exec -it`: Ctrl+C through the TTY, as killing ssh would leave it running in the container. */
export async function interrupt(child: ChildProcessWithoutNullStreams): Promise<void> {
  child.stdin.write('\x03');
  child.stdin.end('exit\n');
  await Promise.race([new Promise((resolve) => child.once('exit', resolve)), new Promise((resolve) => setTimeout(resolve, 2000))]);
  child.kill();
}

/** CPU seconds a process has used (user + system), from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One target: Berth's figure against its bound, as a ratio (≤ 1 meets it). */
export function target(what: string, berth: number, bound: number, unit: string, higherIsBetter = false): string {
  const ratio = higherIsBetter ? bound / berth : berth / bound;
  const verdict = ratio <= 1 ? 'met' : 'NOT met';
  return `  ${what.padEnd(62)} ${berth.toFixed(1).padStart(7)} ${unit} vs ${higherIsBetter ? '≥' : '≤'} ${bound.toFixed(1)} ${unit}: ${ratio.toFixed(2)} (${verdict})`;
}
