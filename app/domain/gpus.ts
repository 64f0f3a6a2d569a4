import type { Gpu, SessionHold } from '../contract/nodes';

/** The exact query Berth runs; its CSV answer is parsed by parseGpuCsv. */
export const NVIDIA_SMI_ARGS = ['--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu', '--format=csv,noheader,nounits'];

function number(text: string | undefined): number {
  const value = Number(text?.trim());
  return Number.isFinite(value) ? value : 0;
}

/** Lines like "0, GPU-…, NVIDIA A100-SXM4-80GB, 81920, 0, 0". Fields nvidia-smi cannot read come as "[N/A]": they read as 0. */
export function parseGpuCsv(csv: string): Omit<Gpu, 'reservedBy'>[] {
  return csv
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .flatMap((line) => {
      const [index, uuid, name, total, used, util] = line.split(',').map((field) => field.trim());
      if (index === undefined || !/^\d+$/.test(index) || !uuid || !name) return [];
      return [{ index: Number(index), uuid, name, memoryMiB: number(total), memoryUsedMiB: number(used), utilization: number(util) }];
    });
}

/** A session whose container has exited (or is going) no longer holds its GPUs, even before it is removed. */
export function holdsGpus(session: SessionHold): boolean {
  return !['exited', 'dead', 'removing'].includes(session.status);
}

/** Marks each GPU with the session that holds it, by the GPU UUIDs in the sessions' labels. */
export function withReservations(gpus: Gpu[], sessions: SessionHold[]): Gpu[] {
  return gpus.map(({ index, uuid, name, memoryMiB, memoryUsedMiB, utilization, idleSince }) => {
    const gpu = { index, uuid, name, memoryMiB, memoryUsedMiB, utilization, ...(idleSince ? { idleSince } : {}) };
    const holder = sessions.find((session) => holdsGpus(session) && session.gpus.includes(uuid));
    return holder ? { ...gpu, reservedBy: { session: holder.id, owner: holder.owner } } : gpu;
  });
}

export type GpuUse = 'free' | 'mine' | 'others' | 'in-use';

/** One GPU as the GPU bar shows it: held by my session, by someone else's, busy outside Berth, or free. */
export function gpuUse(gpu: Gpu, me: string | undefined): GpuUse {
  if (gpu.reservedBy) return gpu.reservedBy.owner === me ? 'mine' : 'others';
  if (gpu.utilization > 0 || gpu.memoryUsedMiB > 0) return 'in-use';
  return 'free';
}

/**
 * The one rule for which GPUs are free: on the node's reading, not held by a session that still
 * holds GPUs. Every count of free GPUs (availability, the queue, placement) comes from here.
 */
export function freeGpus(gpus: readonly Pick<Gpu, 'uuid'>[], sessions: readonly SessionHold[]): string[] {
  const held = new Set(sessions.filter(holdsGpus).flatMap((session) => session.gpus));
  return gpus.filter((gpu) => !held.has(gpu.uuid)).map((gpu) => gpu.uuid);
}
