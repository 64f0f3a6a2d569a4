import { formatDockerRef, parseImageSource } from './image-ref';

/**
 * How a session's image and GPUs read, the same in the Sessions view and `berth session list`,
 * whatever way the session was asked for (docker://ubuntu, ubuntu, ubuntu:latest).
 */
export function showImage(label: string): string {
  const parsed = parseImageSource(label);
  if (!parsed.ok) return label;
  const source = parsed.value;
  if (source.kind === 'library') return `beaker://${source.name}${source.tag ? `:${source.tag}` : ''}`;
  const ref = source.ref.tag || source.ref.digest ? source.ref : { ...source.ref, tag: 'latest' };
  return formatDockerRef(ref);
}

/** "—" for none, "GPU 2" or "GPU 0, 1" by index, or "2 GPUs" while the indexes are not known. */
export function showGpus(session: { gpus: readonly string[]; gpuIndexes: readonly number[] }): string {
  if (session.gpus.length === 0) return '—';
  if (session.gpuIndexes.length === 0) return `${session.gpus.length} GPU${session.gpus.length === 1 ? '' : 's'}`;
  return `GPU ${session.gpuIndexes.join(', ')}`;
}
