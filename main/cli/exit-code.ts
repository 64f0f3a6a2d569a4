let code = 0;

/** A command that succeeded but must leave with another status (a session's exit code) says so here. */
export function setExitCode(value: number): void {
  code = value;
}

export function exitCode(): number {
  return code;
}
