import { describe, expect, it } from 'vitest';
import { gpuUse, parseGpuCsv, withReservations } from './gpus';

const csv = `0, GPU-aaaa, NVIDIA A100-SXM4-80GB, 81920, 0, 0
1, GPU-bbbb, NVIDIA A100-SXM4-80GB, 81920, 4000, 87

2, GPU-cccc, NVIDIA A100-SXM4-80GB, [N/A], [N/A], [N/A]
garbage line
`;

describe('parseGpuCsv', () => {
  it('reads every GPU line and skips what is not one', () => {
    const gpus = parseGpuCsv(csv);
    expect(gpus.map((g) => g.uuid)).toEqual(['GPU-aaaa', 'GPU-bbbb', 'GPU-cccc']);
    expect(gpus[1]).toEqual({ index: 1, uuid: 'GPU-bbbb', name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, memoryUsedMiB: 4000, utilization: 87 });
    expect(gpus[2]?.memoryMiB).toBe(0);
  });
});

describe('reservations', () => {
  const gpus = withReservations(parseGpuCsv(csv), [{ id: 's1', name: 'x', owner: 'alice', status: 'running', gpus: ['GPU-cccc'] }]);
  it('marks the GPUs a session holds', () => {
    expect(gpus[2]?.reservedBy).toEqual({ session: 's1', owner: 'alice' });
    expect(gpus[0]?.reservedBy).toBeUndefined();
  });
  it('does not count a session whose container has exited, even on GPUs marked before', () => {
    const after = withReservations(gpus, [{ id: 's1', name: 'x', owner: 'alice', status: 'exited', gpus: ['GPU-cccc'] }]);
    expect(after[2]?.reservedBy).toBeUndefined();
  });

  it('tells mine, others, in use and free apart', () => {
    expect(gpus[2] && gpuUse(gpus[2], 'alice')).toBe('mine');
    expect(gpus[2] && gpuUse(gpus[2], 'bob')).toBe('others');
    expect(gpus[1] && gpuUse(gpus[1], 'alice')).toBe('in-use');
    expect(gpus[0] && gpuUse(gpus[0], 'alice')).toBe('free');
  });
});
