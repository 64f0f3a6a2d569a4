import type { SshConnection } from '../nodes/ssh-connection';

/** Who the SSH user is on the node: what the session runs as, and which folder it mounts as home. */
export interface NodeAccount {
  uid: number;
  gid: number;
  user: string;
  group: string;
  home: string;
  shell: string;
  /** The docker group's id, added to the session so the docker CLI inside can use the node's daemon. */
  dockerGid: number | null;
}

// Berth's own constant command: nothing user-supplied in it.
const ACCOUNT_COMMAND = 'id -u; id -g; id -un; id -gn; printf "%s\\n" "$HOME"; getent group docker | cut -d: -f3';

export async function readAccount(connection: SshConnection): Promise<NodeAccount> {
  const { stdout, code } = await connection.exec(ACCOUNT_COMMAND);
  const [uid, gid, user, group, home, dockerGid] = stdout.split('\n');
  if (code !== 0 && !uid) throw new Error(`Berth could not read your account on ${connection.bookmark.name}.`);
  return {
    uid: Number(uid),
    gid: Number(gid),
    user: user ?? connection.bookmark.user,
    group: group ?? String(gid),
    home: home || `/home/${connection.bookmark.user}`,
    shell: '/bin/sh',
    dockerGid: dockerGid && /^\d+$/.test(dockerGid) ? Number(dockerGid) : null,
  };
}
