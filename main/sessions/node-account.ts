import { NodeCommandError } from '../nodes/node-command-error';
import type { SshConnection } from '../nodes/ssh-connection';

/** Who the SSH user is on the node: what the session runs as, and which folder it mounts as home. */
export interface NodeAccount {
  uid: number;
  gid: number;
  user: string;
  group: string;
  home: string;
  shell: string;
  /** The login shell on the node (what runs Berth's commands there), for the node doctor. */
  loginShell: string;
  /** The docker group's id, added to the session so the docker CLI inside can use the node's daemon. */
  dockerGid: number | null;
}

/** Each fact on a line of its own, by name: nothing depends on line positions. */
const ACCOUNT_SCRIPT =
  'printf "uid=%s\\ngid=%s\\nuser=%s\\ngroup=%s\\nhome=%s\\n" "$(id -u)" "$(id -g)" "$(id -un)" "$(id -gn)" "$HOME"; ' +
  'printf "shell=%s\\n" "$(getent passwd "$(id -un)" | cut -d: -f7)"; printf "docker=%s\\n" "$(getent group docker | cut -d: -f3)"';

export async function readAccount(connection: SshConnection): Promise<NodeAccount> {
  const { stdout } = await connection.runOk(ACCOUNT_SCRIPT, [], { what: 'read your account (id, $HOME)' });
  const facts = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) facts.set(line.slice(0, at), line.slice(at + 1));
  }
  const uid = Number(facts.get('uid'));
  const gid = Number(facts.get('gid'));
  const home = facts.get('home') ?? '';
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || !home.startsWith('/')) {
    throw new NodeCommandError(connection.bookmark.name, 'read your account (id, $HOME)', {
      code: 0,
      detail: `it answered ${JSON.stringify(stdout.slice(0, 200))}`,
      advice: '`berth node doctor` shows what the node says.',
    });
  }
  const dockerGid = facts.get('docker') ?? '';
  return {
    uid,
    gid,
    user: facts.get('user') || connection.bookmark.user,
    group: facts.get('group') || String(gid),
    home,
    // The container's passwd entry: images rarely have the node's fish or tcsh, and /bin/sh is in every one.
    shell: '/bin/sh',
    loginShell: facts.get('shell') || 'unknown',
    dockerGid: /^\d+$/.test(dockerGid) ? Number(dockerGid) : null,
  };
}
