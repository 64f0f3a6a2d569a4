import type { SessionInfo } from '../../app/contract';
import { sessionDuration } from '../../app/domain/durations';

export function duration(session: SessionInfo): string {
  return sessionDuration(session, Date.now());
}

export function started(session: SessionInfo): string {
  return session.startedAt ? session.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}
