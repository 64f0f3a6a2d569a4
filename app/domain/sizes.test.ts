import { describe, expect, it } from 'vitest';
import { formatBytes } from './sizes';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [25_052_954_624, '23.3 GiB'],
    [5 * 1024 ** 4, '5 TiB'],
    [-1, '?'],
  ])('%d -> %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});
