import type { NodeLink } from '../nodes/node-link';

const POLL_MS = 500;

/**
 * Resolves once the node's link is connected again (its own backoff does the reconnecting), or once
 * the waiter gives up or the link is closed for good. The poll covers a give-up that emits nothing.
 */
export function whenConnected(link: NodeLink, givenUp: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (!givenUp() && !link.isClosed && !(link.status.state === 'connected' && link.ssh?.connected)) return;
      link.off('changed', check);
      clearInterval(timer);
      resolve();
    };
    const timer = setInterval(check, POLL_MS);
    link.on('changed', check);
    check();
  });
}
