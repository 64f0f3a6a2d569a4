import { NodeCommandError } from './node-command-error';
import type { SshConnection } from './ssh-connection';

/**
 * Where a node's GPU lock and queue live. Debian and Ubuntu make /run/lock world-writable; RHEL,
 * Rocky and Alma do not, so Berth falls back in a fixed order to other node-local places every
 * user may write: /dev/shm, then /var/tmp. A bookmark may name a folder of its own, tried first.
 *
 * Every laptop must agree, including an older Berth (which only knows /run/lock/berth) and one
 * that looked before a folder was created. So the GPU lock is taken on EVERY candidate folder
 * that exists, always in the same order (no deadlock), and tickets are read from all of them;
 * only where my own ticket goes depends on which folder I may write.
 */
export const STANDARD_FOLDERS = ['/run/lock/berth', '/dev/shm/berth', '/var/tmp/berth'] as const;

export interface FolderState {
  path: string;
  exists: boolean;
  /** I may open it, so take a flock on it. */
  readable: boolean;
  /** I may create tickets in it (write + search). */
  writable: boolean;
  /** Its parent lets me create it. */
  creatable: boolean;
  owner: string;
  mode: string;
}

export interface LedgerFolders {
  /** Where my tickets go, created (mode 1777) if need be. */
  primary: string;
  /** Every folder the lock is taken on and tickets are read from, in the fixed order. */
  all: string[];
  /** Folders that exist but that I may not write (someone made one 0755): said in the doctor and the log. */
  problems: string[];
}

export function candidateFolders(bookmarkFolder: string | undefined): string[] {
  return [...new Set([...(bookmarkFolder ? [bookmarkFolder.replace(/\/+$/, '') || '/'] : []), ...STANDARD_FOLDERS])];
}

/** One line per folder: path, exists, writable, parent writable, owner, mode, readable (lockable). */
const LOOK =
  'for d in "$@"; do e=0; w=0; c=0; r=0; o=-; m=-; ' +
  'if [ -d "$d" ]; then e=1; [ -w "$d" ] && [ -x "$d" ] && w=1; [ -r "$d" ] && r=1; o=$(stat -c %U "$d" 2>/dev/null); m=$(stat -c %a "$d" 2>/dev/null); fi; ' +
  'p=${d%/*}; [ -n "$p" ] || p=/; [ -d "$p" ] && [ -w "$p" ] && [ -x "$p" ] && c=1; ' +
  'printf "%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n" "$d" "$e" "$w" "$c" "$o" "$m" "$r"; done';

export async function lookAtFolders(connection: SshConnection, candidates: string[]): Promise<FolderState[]> {
  const { stdout } = await connection.runOk(LOOK, candidates, { what: 'look at the GPU queue folders' });
  return stdout
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((fields) => fields.length === 7)
    .map(([path = '', exists, writable, creatable, owner = '-', mode = '-', readable]) => ({
      path,
      exists: exists === '1',
      readable: readable === '1',
      writable: writable === '1',
      creatable: creatable === '1',
      owner,
      mode,
    }));
}

/** Makes the primary folder (mode 1777, so every user's tickets fit), or repairs its mode when it is mine. */
const PREPARE = 'mkdir -p "$1" 2>/dev/null; if [ -O "$1" ]; then chmod 1777 "$1"; fi; [ -d "$1" ] && [ -w "$1" ] && [ -x "$1" ]';

export async function locateLedger(connection: SshConnection, bookmarkFolder: string | undefined): Promise<LedgerFolders> {
  const states = await lookAtFolders(connection, candidateFolders(bookmarkFolder));
  const problems: string[] = [];
  let primary: string | undefined;
  for (const state of states) {
    if (state.exists && !state.writable) {
      problems.push(`${state.path} (owner ${state.owner}, mode ${state.mode}) does not let you queue there`);
      continue;
    }
    if (!primary && (state.exists || state.creatable)) {
      const made = await connection.run(PREPARE, [state.path], { what: 'prepare the GPU queue folder' });
      if (made.code === 0) primary = state.path;
      else problems.push(`${state.path} could not be created`);
    }
  }
  if (!primary) {
    throw new NodeCommandError(connection.bookmark.name, 'find a folder for the GPU queue', {
      code: null,
      detail: `none of ${states.map((state) => state.path).join(', ')} is writable for you${problems.length ? ` (${problems.join('; ')})` : ''}`,
      advice:
        'Ask the node\'s administrator for a world-writable sticky folder (e.g. `mkdir -m 1777 /run/lock/berth`), or name one in the bookmark\'s "GPU queue folder".',
    });
  }
  const locked = new Set([primary]);
  for (const state of states) {
    if (!state.exists) continue;
    if (state.readable) locked.add(state.path);
    else problems.push(`${state.path} (owner ${state.owner}, mode ${state.mode}) cannot be read, so Berth cannot take the GPU lock on it`);
  }
  // A bookmark's own folder is not known to laptops without it: the first standard folder is locked too, made if need be.
  if (!isStandard(primary)) {
    const standard = states.find((state) => isStandard(state.path) && (state.exists ? state.readable : state.creatable));
    if (standard && !locked.has(standard.path)) {
      const made = standard.exists || (await connection.run(PREPARE, [standard.path], { what: 'prepare the GPU queue folder' })).code === 0;
      if (made) locked.add(standard.path);
    }
  }
  return { primary, all: [...locked].sort(lockOrder), problems };
}

function isStandard(path: string): boolean {
  return (STANDARD_FOLDERS as readonly string[]).includes(path);
}

/**
 * The one order every laptop takes the locks in, whatever its bookmark names first: the standard
 * folders in their fixed order, then any other by name. Two orders could deadlock two laptops.
 */
function lockOrder(a: string, b: string): number {
  const ia = (STANDARD_FOLDERS as readonly string[]).indexOf(a);
  const ib = (STANDARD_FOLDERS as readonly string[]).indexOf(b);
  if (ia >= 0 || ib >= 0) return (ia < 0 ? STANDARD_FOLDERS.length : ia) - (ib < 0 ? STANDARD_FOLDERS.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}
