/**
 * The GPU queue's one order. A ticket is named "<nanoseconds>-<pid>-g<gpus>" by the node's clock
 * and shell pid, so every laptop reads the same names; they are ordered by time, then pid, as
 * numbers (names differ in length when pids do: "…-566-g1" comes before "…-20066-g1" only when its
 * time does). Every "ahead of you" and every "who goes first" is counted with compareTickets.
 */
const TICKET = /^(\d+)-(\d+)-g(\d+)$/;

export interface TicketName {
  name: string;
  time: bigint;
  pid: number;
  gpus: number;
}

export function parseTicket(name: string): TicketName | null {
  const match = TICKET.exec(name);
  if (!match) return null;
  const gpus = Number(match[3]);
  if (!Number.isInteger(gpus) || gpus < 1) return null;
  return { name, time: BigInt(match[1] ?? '0'), pid: Number(match[2]), gpus };
}

export function compareTickets(a: string, b: string): number {
  const ta = parseTicket(a);
  const tb = parseTicket(b);
  if (!ta || !tb) return ta ? -1 : tb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  if (ta.time !== tb.time) return ta.time < tb.time ? -1 : 1;
  if (ta.pid !== tb.pid) return ta.pid - tb.pid;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How many of `tickets` stand before `mine` in the queue. */
export function ticketsAhead(tickets: readonly { name: string }[], mine: string): number {
  return tickets.filter((ticket) => ticket.name !== mine && compareTickets(ticket.name, mine) < 0).length;
}
