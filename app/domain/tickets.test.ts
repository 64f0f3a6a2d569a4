import { describe, expect, it } from 'vitest';
import { compareTickets, parseTicket, ticketsAhead } from './tickets';

describe('the GPU queue order', () => {
  it('orders by time as a number, then pid as a number, whatever their lengths', () => {
    // The audit's case: pids of different lengths at the same second.
    const a = '1764650000000000001-20066-g1';
    const b = '1764650000000000002-566-g1';
    expect(compareTickets(a, b)).toBeLessThan(0);
    expect(compareTickets(b, a)).toBeGreaterThan(0);
    expect(ticketsAhead([{ name: a }, { name: b }], a)).toBe(0);
    expect(ticketsAhead([{ name: a }, { name: b }], b)).toBe(1);
    // Same time: the pid decides numerically (566 before 20066), not as text.
    expect(compareTickets('5-566-g1', '5-20066-g1')).toBeLessThan(0);
    // A shorter time is an earlier time.
    expect(compareTickets('999-1-g1', '1000-1-g1')).toBeLessThan(0);
  });

  it('never counts two tickets as each ahead of the other', () => {
    const names = ['10-20066-g1', '10-566-g2', '9-1-g1', '11-3-g4', '10-566-g1'];
    for (const a of names) for (const b of names) if (a !== b) expect(Math.sign(compareTickets(a, b))).toBe(-Math.sign(compareTickets(b, a)));
    expect(
      names
        .map((name) =>
          ticketsAhead(
            names.map((n) => ({ name: n })),
            name,
          ),
        )
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
  });

  it('reads the GPU count and refuses names Berth does not make', () => {
    expect(parseTicket('12-34-g3')?.gpus).toBe(3);
    expect(parseTicket('12-34-g0')).toBeNull();
    expect(parseTicket('fake')).toBeNull();
    expect(parseTicket('12-34-g1; rm -rf')).toBeNull();
  });
});
