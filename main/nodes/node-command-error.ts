import { BerthError } from '../../app/contract';

/**
 * A command on a node failed: the node's problem, told as what Berth tried, where, what the node
 * said, and what to do. It is never "a bug in Berth", and the CLI prints it without a stack trace.
 */
export class NodeCommandError extends BerthError {
  constructor(
    readonly node: string,
    readonly what: string,
    readonly failure: { code: number | null; detail: string; advice?: string },
  ) {
    const said = failure.detail
      .trim()
      .split('\n')
      .slice(-3)
      .join(' ')
      .slice(0, 400)
      .replace(/[.\s]+$/, '');
    const status = failure.code === null ? '' : ` (exit status ${failure.code})`;
    super('unavailable', `Berth could not ${what} on ${node}${status}${said ? `: ${said}` : ''}.${failure.advice ? ` ${failure.advice}` : ''}`);
  }
}
