import type Docker from 'dockerode';
import { BerthError } from '../../app/contract';
import type { SessionHold } from '../../app/contract';
import { freeGpus, holdsGpus } from '../../app/domain/gpus';
import { ticketsAhead } from '../../app/domain/tickets';
import { readGpus, readSessions } from '../nodes/inventory';
import type { GpuReading } from '../nodes/inventory';
import type { NodeLink } from '../nodes/node-link';
import type { SshConnection } from '../nodes/ssh-connection';
import { locateLedger } from '../nodes/ledger-folders';
import type { LedgerFolders } from '../nodes/ledger-folders';
import { enterQueue, liveTickets, takeGpuLock } from './node-lock';
import type { HeldLock } from './node-lock';

export interface GpuState {
  reading: GpuReading;
  sessions: SessionHold[];
  free: string[];
}

/**
 * A node's GPU ledger: its queue, its lock and its GPU reading, in one place. The rules (which GPUs
 * are free, the queue's order) are the pure ones in app/domain; this class only brings the node's
 * facts to them.
 */
export class GpuLedger {
  constructor(
    readonly link: NodeLink,
    readonly ssh: SshConnection,
    readonly docker: Docker,
  ) {}

  static async of(link: NodeLink): Promise<GpuLedger> {
    const docker = await link.dockerClient();
    const ssh = link.ssh;
    if (!ssh) throw new BerthError('unavailable', `${link.bookmark.name} is not connected.`);
    return new GpuLedger(link, ssh, docker);
  }

  folders(): Promise<LedgerFolders> {
    return locateLedger(this.ssh, this.link.bookmark.lockDir);
  }

  async state(): Promise<GpuState> {
    const [reading, sessions] = await Promise.all([readGpus(this.ssh), readSessions(this.docker)]);
    return { reading, sessions, free: freeGpus(reading.gpus, sessions) };
  }

  async availability(): Promise<{ free: number; total: number; waiting: number }> {
    const [state, folders] = await Promise.all([this.state(), this.folders()]);
    const tickets = await liveTickets(this.ssh, folders);
    return { free: state.free.length, total: state.reading.gpus.length, waiting: tickets.length };
  }

  enterQueue(folders: LedgerFolders, gpus: number, signal: AbortSignal): Promise<HeldLock> {
    return enterQueue(this.ssh, folders, gpus, signal);
  }

  async ahead(folders: LedgerFolders, ticket: HeldLock): Promise<number> {
    return ticketsAhead(await liveTickets(this.ssh, folders), ticket.name);
  }

  lock(folders: LedgerFolders, signal: AbortSignal, waiting: (message: string) => void): Promise<HeldLock> {
    return takeGpuLock(this.ssh, folders, { signal, waiting });
  }

  /**
   * The check after creation, which catches what slipped past the lock: a session on any of
   * `gpus` made before mine wins, and mine must go. The order is Docker's creation time on the
   * node (then the container ID), so every laptop agrees on which one stays.
   */
  async earlierClaim(mine: { containerId: string; created: string }, gpus: string[]): Promise<SessionHold | null> {
    const wanted = new Set(gpus);
    const sessions = await readSessions(this.docker);
    for (const other of sessions) {
      if (other.containerId === mine.containerId || !holdsGpus(other) || !other.gpus.some((uuid) => wanted.has(uuid))) continue;
      const created = await this.docker
        .getContainer(other.containerId ?? other.name)
        .inspect()
        .then((info) => info.Created)
        .catch(() => null);
      if (created === null) continue;
      const order = compareDockerTimes(created, mine.created);
      if (order < 0 || (order === 0 && (other.containerId ?? '') < mine.containerId)) return other;
    }
    return null;
  }
}

/** Docker's RFC 3339 times with nanoseconds, whose fraction Go trims of trailing zeros: compared exactly. */
export function compareDockerTimes(a: string, b: string): number {
  const split = (time: string): [string, string] => {
    const match = /^([^.Z+]+)(?:\.(\d+))?/.exec(time);
    return [match?.[1] ?? time, (match?.[2] ?? '').padEnd(9, '0')];
  };
  const [sa, fa] = split(a);
  const [sb, fb] = split(b);
  if (sa !== sb) return sa < sb ? -1 : 1;
  return fa === fb ? 0 : fa < fb ? -1 : 1;
}
