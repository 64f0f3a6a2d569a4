/** The image's shell as a login shell: bash where the image has it, else sh. Berth's own constant text. */
export const LOGIN_SHELL = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi'];

const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ash', 'ksh', 'mksh', 'fish', 'tcsh', 'csh']);

/**
 * Whether a process's command line (as `docker top` shows it) is an interactive shell: a shell
 * with no script and no -c, only options (`-bash`, `sh -i`, `bash -l`). Such a shell ignores
 * SIGTERM but ends on SIGHUP, as when its terminal closes.
 */
export function isInteractiveShell(commandLine: string): boolean {
  const [program = '', ...args] = commandLine.trim().split(/\s+/);
  const name = program.replace(/^-/, '').split('/').pop() ?? '';
  return SHELLS.has(name) && args.every((arg) => arg.startsWith('-') && arg !== '-c' && !/^-[a-z]*c[a-z]*$/.test(arg));
}
