import { describe, expect, it } from 'vitest';
import type { Gpu } from '../contract';
import { isIdle, sessionIdleSince, trackIdle } from './idle';

const gpu = (uuid: string, utilization: number): Gpu => ({ index: 0, uuid, name: 'A100', memoryMiB: 80, memoryUsedMiB: 0, utilization });

describe('idle GPUs', () => {
  it('keeps since when each GPU has read 0%, and forgets it on a busy reading', () => {
    const seen = new Map<string, string>();
    expect(trackIdle([gpu('a', 0), gpu('b', 30)], seen, 't1').map((g) => g.idleSince)).toEqual(['t1', undefined]);
    expect(trackIdle([gpu('a', 0), gpu('b', 0)], seen, 't2').map((g) => g.idleSince)).toEqual(['t1', 't2']);
    expect(trackIdle([gpu('a', 5), gpu('b', 0)], seen, 't3').map((g) => g.idleSince)).toEqual([undefined, 't2']);
  });

  it('dates a session idle from the later of its GPUs going idle and its start', () => {
    const gpus = [{ ...gpu('a', 0), idleSince: '2026-11-28T10:00:00Z' }, { ...gpu('b', 0), idleSince: '2026-11-28T11:00:00Z' }, gpu('c', 40)];
    expect(sessionIdleSince({ gpus: ['a', 'b'], createdAt: '2026-11-28T10:30:00Z' }, gpus)).toBe('2026-11-28T11:00:00Z');
    expect(sessionIdleSince({ gpus: ['a'], createdAt: '2026-11-28T10:30:00Z' }, gpus)).toBe('2026-11-28T10:30:00Z');
    expect(sessionIdleSince({ gpus: ['a', 'c'] }, gpus)).toBeUndefined();
    expect(sessionIdleSince({ gpus: [] }, gpus)).toBeUndefined();
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(isIdle('2026-11-28T11:00:00Z', 3599, now)).toBe(true);
    expect(isIdle('2026-11-28T11:00:00Z', 3600, now)).toBe(false);
    expect(isIdle(undefined, 0, now)).toBe(false);
  });
});
