/** The sentence to show for anything a call or the connection threw. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
