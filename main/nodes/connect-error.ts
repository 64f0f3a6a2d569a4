import type { NodeStatus } from '../../app/contract';

/** A connection attempt that ended in a state the user must act on; the status says what and how. */
export class ConnectError extends Error {
  constructor(readonly status: NodeStatus & { message: string }) {
    super(status.message);
  }
}
