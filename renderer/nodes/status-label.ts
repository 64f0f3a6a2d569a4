import type { NodeStatus } from '../../app/contract';

/** The badge text for a node's connection state. */
export function statusLabel(status: NodeStatus): string {
  switch (status.state) {
    case 'idle':
      return 'Not connected';
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return `Reconnecting (attempt ${status.attempt ?? 1})…`;
    case 'host-key-unknown':
      return 'Host key unknown';
    case 'host-key-changed':
      return 'Host key changed';
    case 'needs-secret':
      return status.secret === 'passphrase' ? 'Passphrase needed' : 'Password needed';
    case 'auth-failed':
      return 'Authentication failed';
    case 'unreachable':
      return 'Unreachable';
    case 'docker-unavailable':
      return 'Docker unavailable';
  }
}

/** Green, amber or red: how the badge is coloured. */
export function statusTone(status: NodeStatus): 'ok' | 'busy' | 'attention' | 'bad' {
  switch (status.state) {
    case 'connected':
      return 'ok';
    case 'connecting':
    case 'reconnecting':
    case 'idle':
      return 'busy';
    case 'host-key-unknown':
    case 'needs-secret':
      return 'attention';
    default:
      return 'bad';
  }
}
