import type { NodeLink } from '../nodes/node-link';
import type { SshConnection } from '../nodes/ssh-connection';

const POLL_MS = 500;

/**
 * Resolves once the node's link is connected again (its own backoff does the reconnecting) over a
 * connection other than `dead` (the one that just failed, which may not know it yet), or once the
 * waiter gives up or the link is closed for good. The poll covers a give-up that emits nothing.
 */
export function whenConnected(link: NodeLink, dead: SshConnection | null, givenUp: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      const ready = link.status.state === 'connected' && link.ssh !== null && link.ssh !== dead && link.ssh.connected;
      if (!givenUp() && !link.isClosed && !ready) return;
      link.off('changed', check);
      clearInterval(timer);
      resolve();
    };
    const timer = setInterval(check, POLL_MS);
    link.on('changed', check);
    check();
  });
}
