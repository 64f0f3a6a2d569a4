import type { SessionInfo } from '../../app/contract';

/** "2h 5m", "3m 12s": how long a session has run (until now, or until it finished). */
export function duration(session: SessionInfo, now = Date.now()): string {
  if (!session.startedAt) return '-';
  const end = session.finishedAt ? Date.parse(session.finishedAt) : now;
  const seconds = Math.max(0, Math.round((end - Date.parse(session.startedAt)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

export function started(session: SessionInfo): string {
  return session.startedAt ? session.startedAt.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}
