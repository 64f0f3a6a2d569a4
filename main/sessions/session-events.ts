import type Docker from 'dockerode';
import { LABELS } from '../../app/domain/labels';
import { log } from '../log/log';

/** Resolves when a session container on the node starts (the queue moved) or ends (GPUs freed), after `timeoutMs`, or on abort. */
export async function waitForSessionChange(docker: Docker, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const stream = await docker
    .getEvents({ filters: { type: ['container'], label: [LABELS.session], event: ['start', 'die', 'destroy', 'stop'] } })
    .catch((error: unknown) => (log.debug('sessions', "Docker's event stream for the queue wait", error), null));
  await new Promise<void>((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      (stream as (NodeJS.ReadableStream & { destroy(): void }) | null)?.destroy();
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    signal.addEventListener('abort', done, { once: true });
    stream?.once('data', done);
    stream?.once('error', done);
  });
}
