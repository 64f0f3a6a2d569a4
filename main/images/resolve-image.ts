import { BerthError } from '../../app/contract';
import { formatDockerRef, parseImageSource } from '../../app/domain/image-ref';
import { authConfig } from '../library/library';
import type { LibraryAccess } from '../library/library';
import type { AuthConfig } from './pull-image';

export interface ResolvedImage {
  /** The reference Docker pulls and creates from: tagged (":latest" when none was given). */
  ref: string;
  /** As the user wrote it, resolved: for `No such image: …`. */
  display: string;
  /** The library's login, when the image is the library's. */
  auth: AuthConfig;
}

/**
 * What Docker is to pull for `docker://REF`, a bare reference or `beaker://NAME[:TAG]` (the team
 * library, whose login then goes with the pull). Without a tag Docker would pull every tag; the
 * CLI's habit is :latest.
 */
export async function resolveImage(image: string, library: () => Promise<LibraryAccess>): Promise<ResolvedImage> {
  const parsed = parseImageSource(image);
  if (!parsed.ok) throw new BerthError('invalid-params', `The image "${image}" is not valid: ${parsed.problem}.`);
  if (parsed.value.kind === 'library') {
    const access = await library();
    const ref = `${access.host}/${parsed.value.name}:${parsed.value.tag ?? 'latest'}`;
    return { ref, display: ref, auth: authConfig(access) };
  }
  const display = formatDockerRef(parsed.value.ref);
  const ref = parsed.value.ref.tag || parsed.value.ref.digest ? display : `${display}:latest`;
  // A plain reference into the library's registry gets its login too.
  const access = await library().catch(() => null);
  return { ref, display, auth: access && ref.startsWith(`${access.host}/`) ? authConfig(access) : undefined };
}
