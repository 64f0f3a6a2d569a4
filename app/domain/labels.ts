/** The node is the source of truth: sessions and GPU reservations live as labels on their containers. */
export const LABELS = {
  session: 'berth.session',
  name: 'berth.name',
  owner: 'berth.owner',
  /** Comma-separated GPU UUIDs. */
  gpus: 'berth.gpus',
} as const;
