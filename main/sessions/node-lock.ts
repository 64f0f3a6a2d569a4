import type { ClientChannel } from 'ssh2';
import type { SshConnection } from '../nodes/ssh-connection';

/**
 * A lock held on the node by a process at the end of an SSH exec channel: `flock` on a folder
 * under /run/lock, kept while a bash loop reads Berth's heartbeat. When Berth lets go, or the
 * laptop vanishes and the heartbeat stops for 60 s, the process exits and the lock is released:
 * nothing central, and nothing left behind.
 */
export const QUEUE_DIR = '/run/lock/berth';
const HEARTBEAT_MS = 20_000;
const PREPARE = `mkdir -p ${QUEUE_DIR} 2>/dev/null; chmod 1777 ${QUEUE_DIR} 2>/dev/null`;
/** Prints "held" once the lock is taken, then waits for heartbeats; ends (releasing it) on EOF or 60 s of silence. */
const HOLD = `bash -c 'echo held; while read -t 60 _; do :; done'`;

export interface HeldLock {
  /** The ticket's name, for queue tickets. */
  name: string;
  release(): void;
}

async function hold(connection: SshConnection, command: string, signal?: AbortSignal): Promise<{ channel: ClientChannel; output: string }> {
  const channel = await connection.execChannel(command);
  return new Promise((resolve, reject) => {
    let output = '';
    const onAbort = (): void => {
      channel.end();
      channel.close();
      reject(new Error('cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    channel.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('held\n')) {
        signal?.removeEventListener('abort', onAbort);
        resolve({ channel, output });
      }
    });
    channel.on('close', () =>
      reject(new Error(`The lock on ${connection.bookmark.name} could not be taken: ${output.trim() || 'the command ended'}.`)),
    );
    channel.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  });
}

function held(channel: ClientChannel, name: string): HeldLock {
  const beat = setInterval(() => channel.write('\n'), HEARTBEAT_MS);
  beat.unref();
  let released = false;
  channel.on('close', () => clearInterval(beat));
  return {
    name,
    release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      channel.end();
    },
  };
}

/** The node-wide GPU lock: held while free GPUs are chosen and the session's container is created. */
export async function takeGpuLock(connection: SshConnection, signal?: AbortSignal): Promise<HeldLock> {
  const { channel } = await hold(connection, `${PREPARE}; exec flock ${QUEUE_DIR} ${HOLD}`, signal);
  return held(channel, QUEUE_DIR);
}

/**
 * A place in the node's GPU queue: a folder named by the node's clock (so the order is the
 * node's, whichever laptop asked), held locked for as long as this request waits.
 * `gpus` is a validated integer, the only value in the command.
 */
export async function enterQueue(connection: SshConnection, gpus: number, signal?: AbortSignal): Promise<HeldLock> {
  if (!Number.isInteger(gpus) || gpus < 1 || gpus > 64) throw new Error(`Not a GPU count: ${gpus}`);
  const command = `${PREPARE}; t="${QUEUE_DIR}/$(date +%s%N)-$$-g${gpus}"; mkdir "$t" || exit 1; echo "ticket $t"; flock "$t" ${HOLD}; rmdir "$t"`;
  const { channel, output } = await hold(connection, command, signal);
  const name = /ticket \S+\/([^/\s]+)/.exec(output)?.[1];
  if (!name) {
    channel.end();
    throw new Error(`The GPU queue on ${connection.bookmark.name} gave no ticket.`);
  }
  return held(channel, name);
}

export interface Ticket {
  name: string;
  gpus: number;
}

/** The live tickets, oldest first: a ticket whose holder is gone is not locked, and is not counted. */
export async function liveTickets(connection: SshConnection): Promise<Ticket[]> {
  const { stdout } = await connection.exec(
    `for t in ${QUEUE_DIR}/*-g*; do [ -d "$t" ] || continue; flock -n "$t" true 2>/dev/null || echo "\${t##*/}"; done`,
  );
  return stdout
    .split('\n')
    .filter((line) => /^\d+-\d+-g\d+$/.test(line))
    .map((name) => ({ name, gpus: Number(name.split('-g')[1]) }))
    .sort((a, b) => compareTickets(a.name, b.name));
}

/** Tickets are "<nanoseconds>-<pid>-g<n>": ordered by time, then pid. */
export function compareTickets(a: string, b: string): number {
  const [ta = '', pa = ''] = a.split('-');
  const [tb = '', pb = ''] = b.split('-');
  if (ta.length !== tb.length) return ta.length - tb.length;
  if (ta !== tb) return ta < tb ? -1 : 1;
  return Number(pa) - Number(pb);
}
