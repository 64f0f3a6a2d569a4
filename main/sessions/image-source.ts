import type Docker from 'dockerode';
import { BerthError } from '../../app/contract';
import type { PullPolicy } from '../../app/contract';
import type { LibraryAccess } from '../library/library';
import { pullImage } from '../images/pull-image';
import { resolveImage } from '../images/resolve-image';

export const DEFAULT_IMAGE = 'ubuntu:24.04';

/**
 * Makes sure the node has the image, by the seed's pull policy: `missing` pulls only when the node
 * lacks it, `always` pulls the latest, `never` fails (with Docker's own words) when it is absent.
 * beaker://NAME[:TAG] names an image in the team library, pulled with the library's login passed in
 * the request. Returns the reference to create the container from.
 */
export async function ensureImage(
  docker: Docker,
  image: string,
  policy: PullPolicy,
  library: () => Promise<LibraryAccess>,
  report: (message: string) => void,
  signal: AbortSignal,
): Promise<string> {
  const { ref: full, display, auth } = await resolveImage(image, library);

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
  await pullImage(docker, full, auth, signal, (event) => {
    if (event.status) report(`${event.id ? `${event.id}: ` : ''}${event.status}${event.progress ? ` ${event.progress}` : ''}`);
  });
  return full;
}
