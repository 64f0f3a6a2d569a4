import type Docker from 'dockerode';
import { BerthError } from '../../app/contract';
import type { PullPolicy } from '../../app/contract';
import { formatDockerRef, parseImageSource } from '../../app/domain/image-ref';

export const DEFAULT_IMAGE = 'ubuntu:24.04';

interface PullEvent {
  status?: string;
  id?: string;
  progress?: string;
  error?: string;
}

/**
 * Makes sure the node has the image, by the seed's pull policy: `missing` pulls only when the node
 * lacks it, `always` pulls the latest, `never` fails (with Docker's own words) when it is absent.
 * Returns the reference to create the container from.
 */
export async function ensureImage(
  docker: Docker,
  image: string,
  policy: PullPolicy,
  report: (message: string) => void,
  signal: AbortSignal,
): Promise<string> {
  const parsed = parseImageSource(image);
  if (!parsed.ok) throw new BerthError('invalid-params', `The image "${image}" is not valid: ${parsed.problem}.`);
  if (parsed.value.kind === 'library') {
    throw new BerthError(
      'unavailable',
      `${image} names an image in the team image library, and no library is configured yet. Use a Docker reference (docker://REF) instead.`,
    );
  }
  const ref = parsed.value.ref;
  const display = formatDockerRef(ref);
  // Without a tag Docker would pull every tag; the CLI's habit is :latest.
  const full = ref.tag || ref.digest ? display : `${display}:latest`;

  const present = await docker
    .getImage(full)
    .inspect()
    .then(
      () => true,
      () => false,
    );
  if (policy === 'never') {
    if (!present) throw new BerthError('not-found', `No such image: ${display}`);
    return full;
  }
  if (policy === 'missing' && present) return full;

  report(`Pulling ${full}…`);
  const stream = await docker.pull(full, { abortSignal: signal }).catch((error: Error) => {
    throw new BerthError('unavailable', `Pulling ${full} failed: ${error.message}. Check the name, and that the node can reach its registry.`);
  });
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: PullEvent[]) => {
        const failed = output.find((event) => event.error)?.error;
        if (error || failed)
          reject(
            new BerthError(
              'unavailable',
              `Pulling ${full} failed: ${failed ?? error?.message}. Check the name, and that the node can reach its registry.`,
            ),
          );
        else resolve();
      },
      (event: PullEvent) => {
        if (event.status) report(`${event.id ? `${event.id}: ` : ''}${event.status}${event.progress ? ` ${event.progress}` : ''}`);
      },
    ),
  );
  return full;
}
