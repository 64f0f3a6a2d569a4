import { describe, expect, it } from 'vitest';
import { showGpus, showImage } from './session-display';

describe('showImage', () => {
  it.each([
    ['docker://ubuntu:24.04', 'ubuntu:24.04'],
    ['ubuntu:24.04', 'ubuntu:24.04'],
    ['docker://berth-test/busybox', 'berth-test/busybox:latest'],
    ['berth-test/busybox:latest', 'berth-test/busybox:latest'],
    ['beaker://ai2/cuda:v2', 'beaker://ai2/cuda:v2'],
  ])('%s -> %s', (label, shown) => expect(showImage(label)).toBe(shown));
});

describe('showGpus', () => {
  it('says none, or which GPUs by index', () => {
    expect(showGpus({ gpus: [], gpuIndexes: [] })).toBe('—');
    expect(showGpus({ gpus: ['GPU-x'], gpuIndexes: [2] })).toBe('GPU 2');
    expect(showGpus({ gpus: ['GPU-x', 'GPU-y'], gpuIndexes: [0, 1] })).toBe('GPU 0, 1');
    expect(showGpus({ gpus: ['GPU-x', 'GPU-y'], gpuIndexes: [] })).toBe('2 GPUs');
  });
});
