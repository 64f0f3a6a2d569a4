import type { Bookmark } from '../contract/bookmarks';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

function place(bookmark: Pick<Bookmark, 'host' | 'port' | 'jump'>): string {
  const host = bookmark.host.toLowerCase().replace(/\.$/, '');
  return `${bookmark.jump ?? ''}|${LOOPBACK.has(host) ? 'loopback' : host}|${bookmark.port}`;
}

/**
 * The bookmark that already reaches the same address (host and port, through the same jump host),
 * so `gpu-a` from ~/.ssh/config is known as the machine `a` before anything connects. Once both
 * connect, the Docker daemon's ID settles it (NodeSummary.sameMachineAs).
 */
export function sameAddressAs(candidate: Pick<Bookmark, 'name' | 'host' | 'port' | 'jump'>, existing: readonly Bookmark[]): string | undefined {
  const wanted = place(candidate);
  return existing.find((bookmark) => bookmark.name !== candidate.name && place(bookmark) === wanted)?.name;
}
