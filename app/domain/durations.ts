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

/** "5 minutes ago", "3 days ago": how `docker images` says how old an image is. */
export function age(iso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (Number.isNaN(seconds)) return '-';
  const units: [number, string][] = [
    [365 * 86400, 'year'],
    [30 * 86400, 'month'],
    [7 * 86400, 'week'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    const count = Math.floor(seconds / size);
    if (count >= 1) return `${count} ${name}${count > 1 ? 's' : ''} ago`;
  }
  return 'just now';
}

/** "2h", "90m", "1h30m", "45s" as seconds; null when it is not such a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+\s*[dhms]\s*)+$/.test(trimmed)) return null;
  const factors: Record<string, number> = { d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const [, count, unit] of trimmed.matchAll(/(\d+)\s*([dhms])/g)) total += Number(count) * (factors[unit ?? 's'] ?? 1);
  return total;
}

/** Seconds as the shortest of "2h", "1h30m", "45s". */
export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let left = Math.round(seconds);
  for (const [size, unit] of [
    [86400, 'd'],
    [3600, 'h'],
    [60, 'm'],
    [1, 's'],
  ] as const) {
    if (left >= size) {
      parts.push(`${Math.floor(left / size)}${unit}`);
      left %= size;
    }
  }
  return parts.join('') || '0s';
}
