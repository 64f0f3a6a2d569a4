import type { BerthClient } from '../../app/client/berth-client';
import type { SessionInfo, SessionSpec } from '../../app/contract';
import { describeError } from '../api/describe-error';

/** A New session request that waits in a node's GPU queue, in the background, with its place. */
export interface PendingRequest {
  requestId: string;
  node: string;
  name: string;
  gpus: number;
  message: string;
  ahead?: number | undefined;
  problem?: string | undefined;
  cancel: () => void;
}

/** What the New session dialog hands over: the spec, the call under way, its cancel, and its first place. */
export type QueuedRequest = [
  spec: SessionSpec & { requestId: string },
  call: Promise<SessionInfo>,
  controller: AbortController,
  first: { message: string; ahead?: number | undefined },
];

/**
 * Requests handed over by the New session dialog once they wait in a queue: the dialog closes and
 * the Sessions view shows each with its place until it starts (then it is attached) or fails.
 */
export class PendingRequests {
  list = $state<PendingRequest[]>([]);
  /** What a start said that the user must know (a port that could not be forwarded), until dismissed. */
  notices = $state<string[]>([]);

  /** Follows a create call already under way; `onstarted` runs once its session runs. */
  follow(client: BerthClient, ...[spec, call, controller, first, onstarted]: [...QueuedRequest, (session: SessionInfo) => void]): void {
    const { requestId } = spec;
    this.list.push({
      requestId,
      node: spec.node,
      name: spec.name ?? `${spec.gpus} GPU${spec.gpus === 1 ? '' : 's'} on ${spec.node}`,
      gpus: spec.gpus,
      message: first.message,
      ahead: first.ahead,
      cancel: () => controller.abort(),
    });
    const stop = client.on('sessions.progress', (update) => {
      const entry = this.list.find((request) => request.requestId === requestId);
      if (update.requestId === requestId && entry) Object.assign(entry, { message: update.message, ahead: update.ahead });
    });
    call.then(
      (session) => {
        this.drop(requestId);
        onstarted(session);
      },
      (error: unknown) => {
        const entry = this.list.find((request) => request.requestId === requestId);
        if (controller.signal.aborted) this.drop(requestId);
        else if (entry) entry.problem = describeError(error);
      },
    );
    void call.finally(stop).catch(() => undefined);
  }

  drop(requestId: string): void {
    this.list = this.list.filter((request) => request.requestId !== requestId);
  }
}

/** One for the window: requests and notices outlive the Sessions view while another view is shown. */
export const pending = new PendingRequests();
