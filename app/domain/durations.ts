/** "2h 5m", "3m 12s", "8s": how long a session ran, until now or until it finished. */
export function sessionDuration(times: { startedAt?: string | undefined; finishedAt?: string | undefined }, now: number): string {
  if (!times.startedAt) return '-';
  const end = times.finishedAt ? Date.parse(times.finishedAt) : now;
  const seconds = Math.max(0, Math.round((end - Date.parse(times.startedAt)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}
