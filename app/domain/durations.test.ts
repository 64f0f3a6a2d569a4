import { describe, expect, it } from 'vitest';
import { age, formatDuration, parseDuration, sessionDuration } from './durations';

describe('sessionDuration', () => {
  const start = '2026-11-28T10:00:00.000Z';
  it.each([
    [{ startedAt: start, finishedAt: '2026-11-28T10:00:08.000Z' }, '8s'],
    [{ startedAt: start, finishedAt: '2026-11-28T10:03:12.000Z' }, '3m 12s'],
    [{ startedAt: start, finishedAt: '2026-11-28T12:05:59.000Z' }, '2h 5m'],
    [{}, '-'],
  ])('%j -> %s', (times, text) => expect(sessionDuration(times, 0)).toBe(text));

  it('counts a running session until now', () => {
    expect(sessionDuration({ startedAt: start }, Date.parse('2026-11-28T10:01:00.000Z'))).toBe('1m 0s');
  });
});

describe('age', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  it('says how old, in the largest whole unit', () => {
    expect(age('2026-11-28T11:59:30Z', now)).toBe('just now');
    expect(age('2026-11-28T11:55:00Z', now)).toBe('5 minutes ago');
    expect(age('2026-11-28T11:00:00Z', now)).toBe('1 hour ago');
    expect(age('2026-11-25T12:00:00Z', now)).toBe('3 days ago');
    expect(age('2026-10-01T12:00:00Z', now)).toBe('1 month ago');
    expect(age('not a date', now)).toBe('-');
  });
});

describe('parseDuration and formatDuration', () => {
  it('read and write the durations settings use', () => {
    expect(parseDuration('2h')).toBe(7200);
    expect(parseDuration('1h30m')).toBe(5400);
    expect(parseDuration(' 45 s ')).toBe(45);
    expect(parseDuration('1d')).toBe(86400);
    expect(parseDuration('two hours')).toBeNull();
    expect(parseDuration('')).toBeNull();
    expect(formatDuration(5400)).toBe('1h30m');
    expect(formatDuration(3)).toBe('3s');
    expect(formatDuration(0)).toBe('0s');
  });
});
