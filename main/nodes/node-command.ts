import { randomBytes } from 'node:crypto';

/**
 * The one way Berth runs a command on a node. sshd hands an exec request to the user's login shell
 * (`$SHELL -c TEXT`), which may be bash, dash, zsh, fish, tcsh or csh, each with its own syntax. So
 * the text is always `/bin/sh -c 'SCRIPT' sh 'ARG'…`: a fixed POSIX script and its arguments, each
 * one single-quoted word that every one of those shells reads the same way. Nothing a user typed
 * is ever part of SCRIPT; it arrives as "$1", "$2"… .
 *
 * Rc files (~/.bashrc, ~/.cshrc, config.fish, ~/.ssh/rc) may print text before the script runs;
 * the script's output is read between markers that it prints itself.
 */

/**
 * Inside single quotes, fish still reads `\\` and `\'`, and csh expands `!` even there, so those
 * three characters stand outside the quotes, escaped in a way all six shells agree on (checked
 * against bash, dash, zsh, fish, tcsh and csh in node-command.test.ts).
 */
const OUTSIDE_QUOTES: Record<string, string> = { '\\': "'\\\\'", "'": `'"'"'`, '!': "'\\!'" };

export function quoteWord(value: string): string {
  // csh cannot hold a line break inside a quoted word at all, and NUL cannot cross exec.
  if (/[\n\r\0]/.test(value)) throw new NodeValueError(value);
  return `'${value.replace(/[\\'!]/g, (char) => OUTSIDE_QUOTES[char] ?? char)}'`;
}

export class NodeValueError extends Error {
  constructor(value: string) {
    super(`The value ${JSON.stringify(value.slice(0, 80))} holds a line break, which Berth cannot pass to a command on a node. Remove it.`);
  }
}

/** The text of an exec request: `/bin/sh -c 'SCRIPT' sh 'ARG'…`. */
export function commandLine(script: string, args: readonly string[]): string {
  return ['/bin/sh', '-c', quoteWord(script), 'sh', ...args.map(quoteWord)].join(' ');
}

export function newMarker(): string {
  return `berth-${randomBytes(12).toString('hex')}`;
}

/**
 * The script wrapped so that its output on both streams stands between two marker lines, and its
 * exit status is the command's. The marker is the first argument, so it is no part of the script.
 */
export function markedScript(script: string): string {
  return `m=$1; shift; printf '%s\\n' "$m"; printf '%s\\n' "$m" >&2; (${script}); r=$?; printf '\\n%s\\n' "$m"; printf '\\n%s\\n' "$m" >&2; exit $r`;
}

/** A stream's script: the marker first, then the script replaces the shell (its output is the stream). */
export function streamScript(script: string): string {
  return `m=$1; shift; printf '%s\\n' "$m"; ${script}`;
}

/**
 * What the script printed between the markers, or null when the start marker never came (the
 * login shell could not run /bin/sh at all). Text before the start marker is the rc files'.
 */
export function betweenMarkers(text: string, marker: string): { output: string; preamble: string; complete: boolean } | null {
  const start = text.indexOf(`${marker}\n`);
  if (start < 0) return null;
  const preamble = text.slice(0, start);
  const rest = text.slice(start + marker.length + 1);
  const end = rest.lastIndexOf(`\n${marker}\n`);
  if (end < 0) return { output: rest, preamble, complete: false };
  return { output: rest.slice(0, end), preamble, complete: true };
}
