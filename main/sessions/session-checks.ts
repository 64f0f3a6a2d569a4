import { BerthError } from '../../app/contract';
import type { SessionSpec as Spec } from '../../app/contract';

type MountSpec = Spec['mounts'][number];
import type { SessionSpec } from '../../app/contract';
import { parseSize } from '../../app/domain/sizes';
import type { NodeLink } from '../nodes/node-link';
import type { SshConnection } from '../nodes/ssh-connection';

function inside(path: string, folder: string): boolean {
  const base = folder.replace(/\/+$/, '');
  return path === folder || path === base || path.startsWith(`${base}/`);
}

function notAllowed(source: string, link: NodeLink, why = ''): BerthError {
  const allowed = link.bookmark.allowedHostPaths;
  return new BerthError(
    'invalid-params',
    `${source}${why} is not among the host folders ${link.bookmark.name} lets sessions mount (${allowed.length ? allowed.join(', ') : 'none yet'}). Add it to the node's allowed host paths first.`,
  );
}

/** What can be judged before asking the node: mounts by their names, sizes, Berth's own variables. */
export function checkRequest(spec: SessionSpec, link: NodeLink): void {
  const allowed = link.bookmark.allowedHostPaths;
  for (const mount of spec.mounts) {
    if (mount.source.split('/').includes('..') || !allowed.some((path) => inside(mount.source, path))) throw notAllowed(mount.source, link);
  }
  if (spec.env.some((entry) => entry.startsWith('NVIDIA_VISIBLE_DEVICES='))) {
    throw new BerthError('invalid-params', 'NVIDIA_VISIBLE_DEVICES is set by Berth from --gpus; leave it out of --env.');
  }
  for (const [flag, value] of [
    ['--memory', spec.memory],
    ['--shared-memory', spec.sharedMemory],
  ] as const) {
    if (value !== undefined && parseSize(value) === null)
      throw new BerthError('invalid-params', `${flag} ${value} is not a size; use e.g. 512m or 16g.`);
  }
}

/** Each path resolved on the node with every symlink followed, or "?" where it does not exist. */
const RESOLVE = 'for p in "$@"; do realpath -e -- "$p" 2>/dev/null || echo "?"; done';

/**
 * The mounts as they are on the node: a symlink inside an allowed folder may point anywhere (even
 * at /), so each source is resolved there and must still lie inside a resolved allowed folder.
 * The resolved path is what gets mounted, so what was checked is what the session sees.
 */
export async function checkMountsOnNode(ssh: SshConnection, link: NodeLink, mounts: MountSpec[]): Promise<MountSpec[]> {
  if (mounts.length === 0) return [];
  const allowed = link.bookmark.allowedHostPaths;
  const { stdout } = await ssh.runOk(RESOLVE, [...mounts.map((mount) => mount.source), ...allowed], { what: 'resolve the mount folders' });
  const resolved = stdout.split('\n');
  const folders = allowed.map((_, index) => resolved[mounts.length + index] ?? '?').filter((path) => path !== '?');
  return mounts.map((mount, index) => {
    const real = resolved[index] ?? '?';
    if (real === '?') throw new BerthError('invalid-params', `${mount.source} does not exist on ${link.bookmark.name}. Check the path.`);
    if (!folders.some((folder) => inside(real, folder))) throw notAllowed(mount.source, link, ` (which leads to ${real})`);
    return { ...mount, source: real };
  });
}
