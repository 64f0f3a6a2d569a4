import { z } from 'zod';

/** Every failure that crosses the contract carries one of these codes, so callers branch on data, not on wording. */
export const ErrorCode = z.enum([
  'bad-message', // not a message of the wire protocol at all
  'unknown-method',
  'invalid-params',
  'cancelled',
  'not-found',
  'unavailable', // a collaborator (a daemon, a node) cannot be reached
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorData = z.object({
  code: ErrorCode,
  /** One sentence on what went wrong, then what to do about it. */
  message: z.string(),
  /** For invalid-params: each problem with its path, e.g. "port: expected number". */
  issues: z.array(z.string()).optional(),
});
export type ErrorData = z.infer<typeof ErrorData>;

export class BerthError extends Error {
  override readonly name = 'BerthError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: string[],
  ) {
    super(message);
  }

  toData(): ErrorData {
    return this.issues ? { code: this.code, message: this.message, issues: this.issues } : { code: this.code, message: this.message };
  }

  static fromData(data: ErrorData): BerthError {
    return new BerthError(data.code, data.message, data.issues);
  }
}

/** Turns zod's issues into short lines a person can act on: "params.port: Invalid input: expected number, received string". */
export function describeIssues(error: z.ZodError, root: string): string[] {
  return error.issues.map((issue) => {
    const path = [root, ...issue.path.map(String)].join('.');
    return `${path}: ${issue.message}`;
  });
}
