import type Docker from 'dockerode';
import { BerthError } from '../../app/contract';
import type { PullPolicy } from '../../app/contract';
import { formatDockerRef, parseImageSource } from '../../app/domain/image-ref';
import { authConfig } from '../images/library';
import type { LibraryAccess } from '../images/library';
import { pullImage } from '../images/pull-image';
import type { AuthConfig } from '../images/pull-image';

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
  const parsed = parseImageSource(image);
  if (!parsed.ok) throw new BerthError('invalid-params', `The image "${image}" is not valid: ${parsed.problem}.`);
  let full: string;
  let display: string;
  let auth: AuthConfig;
  if (parsed.value.kind === 'library') {
    const access = await library();
    display = `${access.host}/${parsed.value.name}:${parsed.value.tag ?? 'latest'}`;
    full = display;
    auth = authConfig(access);
  } else {
    const ref = parsed.value.ref;
    display = formatDockerRef(ref);
    // Without a tag Docker would pull every tag; the CLI's habit is :latest.
    full = ref.tag || ref.digest ? display : `${display}:latest`;
  }

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
