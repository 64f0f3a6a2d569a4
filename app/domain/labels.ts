/** The node is the source of truth: sessions and GPU reservations live as labels on their containers. */
export const LABELS = {
  session: 'berth.session',
  name: 'berth.name',
  owner: 'berth.owner',
  /** Comma-separated GPU UUIDs. */
  gpus: 'berth.gpus',
} as const;

/**
 * Whether a labelled container is the session Berth created, rather than a copy that inherited its
 * labels (`docker commit` keeps a container's labels in the image, so `docker run` of that image
 * makes a container labelled as the same session). Berth always names a session's container after
 * the session, and Docker names are unique on a node: a copy has another name.
 */
export function isSessionContainer(labels: Record<string, string | undefined>, containerNames: readonly string[]): boolean {
  const session = labels[LABELS.session];
  const name = labels[LABELS.name];
  if (!session || !name) return false;
  return containerNames.some((containerName) => containerName.replace(/^\//, '') === name);
}
