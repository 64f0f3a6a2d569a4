import { BerthError } from '../../app/contract';
import { compareTickets, parseTicket } from '../../app/domain/tickets';
import { log } from '../log/log';
import type { NodeChannel } from '../nodes/node-channel';
import type { SshConnection } from '../nodes/ssh-connection';
import type { LedgerFolders } from '../nodes/ledger-folders';

/**
 * Locks held on the node by a process at the end of an SSH exec channel: `flock` on the ledger's
 * folders, kept while a bash loop reads Berth's heartbeat (and answers "ok" to each, which is how
 * Berth checks at the last moment that it still holds the lock). When Berth lets go, or the
 * laptop vanishes and the heartbeat stops for LEASE_S, the process exits and the lock is released:
 * nothing central, and nothing left behind.
 */
export const LEASE_S = 60;
const HEARTBEAT_MS = 20_000;
/** One try at the GPU lock waits this long; past it Berth says who holds the lock, and tries again until LOCK_WAIT_S. */
const LOCK_TRY_S = 5;
/** Longer than the lease, so a Berth that froze while holding the lock is outwaited; a stray `flock` is not. */
const LOCK_WAIT_S = 75;
const VERIFY_MS = 5000;

/** The heartbeat loop; its arguments are the lease. It answers each heartbeat, so a check can tell the lock is still held. */
const HOLD_LOOP = `exec bash -c 'echo held; while read -t "$1" _; do echo ok; done' berth-hold "$l"`;

/**
 * Opens and locks each folder given (fds 3 to 6, in the fixed order), then holds. Exit 75 when a
 * lock was not had in time. `$1` is the lease, `$2` the wait, the rest the folders.
 */
const LOCK_SCRIPT =
  'l=$1; w=$2; shift 2; i=3; for d in "$@"; do ' +
  'case $i in 3) exec 3<"$d" && flock -w "$w" 3 || exit 75;; 4) exec 4<"$d" && flock -w "$w" 4 || exit 75;; ' +
  '5) exec 5<"$d" && flock -w "$w" 5 || exit 75;; 6) exec 6<"$d" && flock -w "$w" 6 || exit 75;; esac; i=$((i+1)); done; ' +
  HOLD_LOOP;

/**
 * A place in the queue: a folder named by the node's clock and this shell's pid, locked by a
 * `flock` process whose command line names the folder and "berth-ticket", for as long as the
 * request waits. `$1` lease, `$2` folder, `$3` GPU count (a validated integer).
 */
const TICKET_SCRIPT =
  'l=$1; t="$2/$(date +%s%N)-$$-g$3"; mkdir "$t" || exit 1; echo "ticket ${t##*/}"; ' +
  `flock -n "$t" bash -c 'echo held; while read -t "$1" _; do echo ok; done' berth-ticket "$l"; rmdir "$t"`;

/** The flock id of `$t` in /proc/locks ("maj:min:inode", as the kernel prints it), into $id. */
const LOCK_ID =
  'dev=$(stat -c %d "$t") && ino=$(stat -c %i "$t") && id=$(printf "%02x:%02x:%s" $((dev >> 8 & 4095)) $(((dev & 255) | (dev >> 12 & 1048320))) "$ino")';

/**
 * The live tickets in the given folders: a ticket counts only while a live process that Berth
 * started for exactly that ticket (its command line names the folder and "berth-ticket") holds
 * the flock on it, so a folder someone dropped, or locked by hand, does not hold up the queue.
 */
const TICKETS_SCRIPT =
  'for d in "$@"; do for t in "$d"/*-g*; do [ -d "$t" ] || continue; ' +
  LOCK_ID +
  ' || continue; for p in $(grep -E "^[0-9]+: FLOCK +ADVISORY +WRITE +[0-9]+ $id " /proc/locks | awk "{print \\$5}"); do ' +
  'c=$(tr "\\000" " " < "/proc/$p/cmdline" 2>/dev/null) || continue; case "$c" in *" $t bash "*berth-ticket*) printf "%s %s\\n" "${t##*/}" "$(stat -c %U "$t")"; break;; esac; done; done; done';

/** Who holds a flock on the folder `$1`, as "pid user command" lines (from /proc/locks and ps). */
const HOLDERS_SCRIPT =
  't=$1; ' +
  LOCK_ID +
  ' || exit 0; for p in $(grep -E "^[0-9]+: FLOCK +ADVISORY +WRITE +[0-9]+ $id " /proc/locks | awk "{print \\$5}"); do ps -o pid=,user=,args= -p "$p"; done; true';

export interface HeldLock {
  /** The ticket's name, for queue tickets. */
  name: string;
  /** True if the lock is still held on the node now (the holder answered a heartbeat). */
  verify(): Promise<boolean>;
  release(): void;
}

async function hold(channel: NodeChannel, what: string, node: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onAbort = (): void => {
      channel.destroy();
      reject(new BerthError('cancelled', 'The session was cancelled; nothing was created.'));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.includes('held\n')) {
        signal?.removeEventListener('abort', onAbort);
        channel.off('data', onData);
        resolve(output);
      }
    };
    channel.on('data', onData);
    const ended = (): void => {
      signal?.removeEventListener('abort', onAbort);
      const said = (channel.stderr || channel.preamble || output).trim();
      reject(Object.assign(new Error(`${what} on ${node} failed${said ? `: ${said}` : ''}`), { exitCode: channel.exitCode }));
    };
    // On close, not end: OpenSSH sends the exit status after EOF, and exit 75 (a lock not had in time) decides a retry.
    channel.on('close', ended);
    // A channel that fails for good is a lock lost, never an uncaught error in the app.
    channel.on('error', (error: Error) => {
      log.debug('lock', `${what} on ${node}: the channel failed`, error);
      ended();
    });
  });
}

function held(channel: NodeChannel, name: string): HeldLock {
  const beat = setInterval(() => channel.write('\n'), HEARTBEAT_MS);
  beat.unref();
  let released = false;
  let open = true;
  channel.on('close', () => {
    open = false;
    clearInterval(beat);
  });
  return {
    name,
    verify() {
      if (!open || released) return Promise.resolve(false);
      return new Promise((resolve) => {
        let answer = '';
        const done = (result: boolean): void => {
          clearTimeout(timer);
          channel.off('data', onData);
          channel.off('close', onClose);
          resolve(result);
        };
        const onData = (chunk: Buffer): void => {
          answer += chunk.toString('utf8');
          if (answer.includes('ok\n')) done(true);
        };
        const onClose = (): void => done(false);
        const timer = setTimeout(() => done(false), VERIFY_MS);
        channel.on('data', onData);
        channel.on('close', onClose);
        channel.write('\n');
      });
    },
    release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      channel.end();
    },
  };
}

/**
 * The node-wide GPU lock, on every ledger folder: held while free GPUs are chosen and the
 * session's container is created. A lock someone holds for too long (a stray `flock`) makes
 * Berth say who holds it, and give up after LOCK_WAIT_S with nothing made.
 */
export async function takeGpuLock(
  connection: SshConnection,
  folders: LedgerFolders,
  options: { signal?: AbortSignal; waiting?: (message: string) => void } = {},
): Promise<HeldLock> {
  const node = connection.bookmark.name;
  const deadline = Date.now() + LOCK_WAIT_S * 1000;
  const lockable = folders.all.slice(0, 4);
  for (;;) {
    const channel = await connection.stream(LOCK_SCRIPT, [String(LEASE_S), String(LOCK_TRY_S), ...lockable]);
    try {
      await hold(channel, 'Taking the GPU lock', node, options.signal);
      return held(channel, lockable.join(' '));
    } catch (error) {
      if (error instanceof BerthError || (error as { exitCode?: number }).exitCode !== 75) throw lockError(node, error);
    }
    const holders = await lockHolders(connection, lockable);
    if (Date.now() >= deadline) {
      throw new BerthError(
        'unavailable',
        `The GPU lock on ${node} (${lockable.join(', ')}) has been held for over ${LOCK_WAIT_S} s${holders ? ` by ${holders}` : ''}. Berth made nothing. A Berth holds it for a moment only: ask whoever holds it to end that process, or the node's administrator.`,
      );
    }
    options.waiting?.(`Waiting for the GPU lock on ${node}${holders ? `, held by ${holders}` : ''}…`);
  }
}

function lockError(node: string, error: unknown): BerthError {
  if (error instanceof BerthError) return error;
  return new BerthError('unavailable', `${(error as Error).message}. \`berth node doctor ${node}\` checks the node's GPU queue folder.`);
}

async function lockHolders(connection: SshConnection, folders: string[]): Promise<string> {
  const lines: string[] = [];
  for (const folder of folders) {
    const result = await connection
      .run(HOLDERS_SCRIPT, [folder], { what: 'see who holds the GPU lock' })
      .catch(log.ignored('lock', 'reading lock holders'));
    for (const line of result?.stdout.split('\n') ?? []) {
      const match = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
      if (match) lines.push(`${match[2]} (pid ${match[1]}: ${match[3]?.slice(0, 80)})`);
    }
  }
  return [...new Set(lines)].join(', ');
}

/**
 * A place in the node's GPU queue, in the ledger's primary folder, named by the node's clock (so
 * the order is the node's, whichever laptop asked), held locked for as long as this request waits.
 */
export async function enterQueue(connection: SshConnection, folders: LedgerFolders, gpus: number, signal?: AbortSignal): Promise<HeldLock> {
  if (!Number.isInteger(gpus) || gpus < 1 || gpus > 64)
    throw new BerthError('invalid-params', `${gpus} is not a GPU count; give a whole number from 1.`);
  const channel = await connection.stream(TICKET_SCRIPT, [String(LEASE_S), folders.primary, String(gpus)]);
  let output: string;
  try {
    output = await hold(channel, `Joining the GPU queue in ${folders.primary}`, connection.bookmark.name, signal);
  } catch (error) {
    throw lockError(connection.bookmark.name, error);
  }
  const name = /ticket (\S+)/.exec(output)?.[1];
  if (!name || !parseTicket(name)) {
    channel.end();
    throw new BerthError(
      'unavailable',
      `The GPU queue on ${connection.bookmark.name} gave no ticket (it said ${JSON.stringify(output.slice(0, 200))}).`,
    );
  }
  return held(channel, name);
}

export interface Ticket {
  name: string;
  gpus: number;
  user: string;
}

/** The live tickets in every ledger folder, in the queue's one order. */
export async function liveTickets(connection: SshConnection, folders: LedgerFolders): Promise<Ticket[]> {
  const { stdout } = await connection.runOk(TICKETS_SCRIPT, folders.all, { what: 'read the GPU queue' });
  return stdout
    .split('\n')
    .flatMap((line) => {
      const [name = '', user = ''] = line.split(' ');
      const ticket = parseTicket(name);
      return ticket ? [{ name, gpus: ticket.gpus, user }] : [];
    })
    .sort((a, b) => compareTickets(a.name, b.name));
}
