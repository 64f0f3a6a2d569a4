import type { Gpu, SessionHold } from '../contract';

/**
 * Keeps, per GPU, since when it has read 0% utilization reading after reading (in `seen`, which
 * lives as long as the node's link): a busy reading clears it.
 */
export function trackIdle(gpus: Gpu[], seen: Map<string, string>, now: string): Gpu[] {
  return gpus.map((gpu) => {
    if (gpu.utilization > 0) {
      seen.delete(gpu.uuid);
      const busy = { ...gpu };
      delete busy.idleSince;
      return busy;
    }
    const since = seen.get(gpu.uuid) ?? now;
    seen.set(gpu.uuid, since);
    return { ...gpu, idleSince: since };
  });
}

/** Since when all of a session's GPUs have been idle, counted from no earlier than its start; none without GPUs. */
export function sessionIdleSince(hold: Pick<SessionHold, 'gpus' | 'createdAt'>, gpus: Gpu[]): string | undefined {
  if (hold.gpus.length === 0) return undefined;
  const times: string[] = [];
  for (const uuid of hold.gpus) {
    const since = gpus.find((gpu) => gpu.uuid === uuid)?.idleSince;
    if (!since) return undefined;
    times.push(since);
  }
  if (hold.createdAt) times.push(hold.createdAt);
  return times.reduce((latest, time) => (Date.parse(time) > Date.parse(latest) ? time : latest));
}

/** Whether a session idle since `idleSince` has been idle longer than the threshold. */
export function isIdle(idleSince: string | undefined, thresholdSeconds: number, now: number): boolean {
  return idleSince !== undefined && now - Date.parse(idleSince) > thresholdSeconds * 1000;
}
