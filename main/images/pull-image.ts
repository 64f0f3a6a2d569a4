import type { AuthConfig as LibraryAuth } from '../library/library';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { BerthError } from '../../app/contract';
import type { DockerProgress } from './docker-progress';
import { dockerMessage, followProgress } from './docker-progress';

export type AuthConfig = LibraryAuth | undefined;

/** Pulls `ref` on the node, the login (if any) in the request itself; `onLine` hears Docker's progress. */
export async function pullImage(
  docker: Docker,
  ref: string,
  auth: AuthConfig,
  signal: AbortSignal,
  onLine: (line: DockerProgress) => void,
): Promise<void> {
  const fail = (error: unknown): never => {
    if (signal.aborted) throw new BerthError('cancelled', `Pulling ${ref} was cancelled.`);
    const message = dockerMessage(error);
    const hint = /unauthorized|authentication required|denied/i.test(message)
      ? 'The registry refused the login: check the library username and password in Settings.'
      : /not found|unknown/i.test(message)
        ? 'Check the name and tag.'
        : 'Check the name, and that the node can reach its registry.';
    throw new BerthError(/not found|unknown/i.test(message) ? 'not-found' : 'unavailable', `Pulling ${ref} failed: ${message}. ${hint}`);
  };
  const stream = await docker.pull(ref, { abortSignal: signal, ...(auth ? { authconfig: auth } : {}) }).catch(fail);
  await followProgress(docker, stream as Readable, onLine).catch(fail);
}
