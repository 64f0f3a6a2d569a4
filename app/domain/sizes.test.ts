import { describe, expect, it } from 'vitest';
import { formatBytes, parseSize } from './sizes';

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

describe('parseSize', () => {
  it.each([
    ['512m', 536870912],
    ['16g', 17179869184],
    ['1.5g', 1610612736],
    ['2GiB', 2147483648],
    ['64k', 65536],
    ['1073741824', 1073741824],
    ['lots', null],
    ['-1g', null],
  ])('%s -> %s', (text, bytes) => expect(parseSize(text)).toBe(bytes));
});
