import { ulid } from 'ulid';
import { BerthError } from '../../app/contract';
import type { SessionInfo, SessionProgress, SessionSpec } from '../../app/contract';
import type { LibraryAccess } from '../library/library';
import { log } from '../log/log';
import type { NodeLink } from '../nodes/node-link';
import { GpuLedger } from './gpu-ledger';
import type { GpuState } from './gpu-ledger';
import { DEFAULT_IMAGE, ensureImage } from './image-source';
import { readAccount } from './node-account';
import { LEASE_S } from './node-lock';
import { checkMountsOnNode, checkRequest } from './session-checks';
import { waitForSessionChange } from './session-events';
import { createContainer, startContainer } from './start-container';
import type { Created, Planned } from './start-container';

export interface CreateContext {
  link: NodeLink;
  signal: AbortSignal;
  progress: (progress: Omit<SessionProgress, 'requestId'>) => void;
  /** Other nodes where `gpus` GPUs are free now, for the --no-wait answer. */
  fitsElsewhere: (gpus: number) => Promise<string[]>;
  /** The team library, for beaker:// images. */
  library: () => Promise<LibraryAccess>;
}

/**
 * Creates a session: checks the request against the node before anything is made, makes sure of
 * the image, then (for GPUs) waits its turn in the node's queue, picks free GPUs under the node's
 * GPU lock and creates the container before letting go of the lock. The claim is fenced: the lock
 * is checked to be still held at the last moment, and after creation an earlier claim on any of
 * the same GPUs removes mine. Cancelling at any point leaves nothing on the node.
 */
export async function createSession(spec: SessionSpec, context: CreateContext): Promise<SessionInfo> {
  const { link, signal, progress } = context;
  const ledger = await GpuLedger.of(link);
  const { docker, ssh } = ledger;
  checkRequest(spec, link);

  const id = ulid();
  progress({ stage: 'resolving', message: `Checking the image on ${link.bookmark.name}…` });
  // Independent round trips to the node, made at once: the GPUs, the account, the mounts, the image.
  const [, account, mounts, image, loggingDriver] = await Promise.all([
    spec.gpus > 0 ? checkGpus(ledger, spec) : null,
    readAccount(ssh),
    checkMountsOnNode(ssh, link, spec.mounts),
    ensureImage(
      docker,
      spec.image ?? link.bookmark.defaultImage ?? DEFAULT_IMAGE,
      spec.pull,
      context.library,
      (message) => progress({ stage: 'pulling', message }),
      signal,
    ),
    docker.info().then((info: { LoggingDriver?: string }) => info.LoggingDriver, log.ignored('sessions', 'reading the log driver')),
  ]);
  const name = spec.name ?? `${account.user}-${id.slice(-8).toLowerCase()}`;
  if ((await docker.listContainers({ all: true, filters: { name: [`^/${name}$`] } })).length > 0) {
    throw new BerthError('invalid-params', `A container named ${name} exists on ${link.bookmark.name} already. Pick another --name.`);
  }

  const plan = (gpus: string[]): Planned => ({ id, name, image, account, gpus, mounts, loggingDriver });
  if (spec.gpus === 0) {
    throwIfCancelled(signal);
    return startUnlessCancelled(link, await createContainer(docker, link, spec, plan([]), progress), context);
  }
  return waitForGpus(ledger, spec, context, plan);
}

async function checkGpus(ledger: GpuLedger, spec: SessionSpec): Promise<void> {
  const node = ledger.link.bookmark.name;
  const { reading } = await ledger.state();
  if (reading.gpus.length === 0)
    throw new BerthError('invalid-params', `${node} has no GPUs (nvidia-smi found none). Leave out --gpus, or pick a GPU node.`);
  if (spec.gpus > reading.gpus.length) {
    throw new BerthError('invalid-params', `${node} has only ${reading.gpus.length} GPUs; this session asks for ${spec.gpus}.`);
  }
  if (!reading.nvidiaHook) {
    throw new BerthError(
      'unavailable',
      `${node} lacks the NVIDIA container hook (nvidia-container-toolkit), so Docker cannot hand out its GPUs. Ask its administrator to install it.`,
    );
  }
}

async function waitForGpus(ledger: GpuLedger, spec: SessionSpec, context: CreateContext, plan: (gpus: string[]) => Planned): Promise<SessionInfo> {
  const { link, signal, progress } = context;
  const { docker } = ledger;
  const folders = await ledger.folders();
  // A folder someone else made and closed to others is worked around, but said: it is theirs to repair.
  for (const problem of folders.problems) {
    log.warn('sessions', `GPU queue on ${link.bookmark.name}: ${problem}`);
    progress({
      stage: 'resolving',
      message: `Note: ${problem}; Berth queues in ${folders.primary} instead. \`berth node doctor ${link.bookmark.name}\` says what to do.`,
    });
  }
  const ticket = await ledger.enterQueue(folders, spec.gpus, signal);
  try {
    for (;;) {
      if (signal.aborted) throw new BerthError('cancelled', 'The session was cancelled; nothing was created.');
      const ahead = await ledger.ahead(folders, ticket);
      const wanted = `${spec.gpus} GPU${spec.gpus === 1 ? '' : 's'}`;
      let state: GpuState;
      if (ahead === 0) {
        const lock = await ledger.lock(await ledger.folders(), signal, (message) => progress({ stage: 'waiting', message, ahead }));
        let created: Created | null = null;
        try {
          state = await ledger.state();
          if (state.free.length >= spec.gpus) {
            const gpus = state.free.slice(0, spec.gpus);
            // The fence: a laptop that froze past the lock's lease has lost the lock, and must not use what it chose under it.
            if (!(await lock.verify())) throw lostLock(link.bookmark.name);
            throwIfCancelled(signal);
            created = await createContainer(docker, link, spec, plan(gpus), progress);
            const earlier = await ledger.earlierClaim({ containerId: created.container.id, created: created.created }, gpus);
            if (earlier || !(await lock.verify())) {
              await created.container.remove({ force: true }).catch(log.ignored('sessions', 'removing a fenced-out container'));
              created = null;
              throw earlier
                ? new BerthError(
                    'unavailable',
                    `${link.bookmark.name} gave a GPU this session chose to ${earlier.name} (${earlier.owner}) first, while Berth was not holding the node's GPU lock (the computer was asleep or frozen?). Nothing was started; create the session again.`,
                  )
                : lostLock(link.bookmark.name);
            }
          }
        } finally {
          lock.release();
        }
        if (created) return await startUnlessCancelled(link, created, context);
      } else {
        state = await ledger.state();
      }
      const reason = `waiting for ${wanted}: ${state.free.length} of ${state.reading.gpus.length} free, ${ahead} ahead of you`;
      if (!spec.wait) {
        const elsewhere = (await context.fitsElsewhere(spec.gpus)).filter((node) => node !== link.bookmark.name);
        throw new BerthError(
          'unavailable',
          `${link.bookmark.name} cannot start this session now (${reason.replace('waiting for', 'it needs')}). ${elsewhere.length ? `It would fit now on: ${elsewhere.join(', ')}.` : 'No other bookmarked node has that many GPUs free now.'}`,
        );
      }
      progress({ stage: 'waiting', message: reason.charAt(0).toUpperCase() + reason.slice(1), ahead });
      await waitForSessionChange(docker, 5000, signal);
    }
  } finally {
    ticket.release();
  }
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new BerthError('cancelled', 'The session was cancelled; nothing was created.');
}

/** Starts the created container, unless the request was cancelled meanwhile: then it goes again, and nothing is left. */
async function startUnlessCancelled(link: NodeLink, created: Created, context: CreateContext): Promise<SessionInfo> {
  const remove = (): Promise<void> => created.container.remove({ force: true }).catch(log.ignored('sessions', 'removing a cancelled session'));
  if (context.signal.aborted) {
    await remove();
    throwIfCancelled(context.signal);
  }
  const session = await startContainer(link, created, context.progress);
  if (context.signal.aborted) {
    await remove();
    throwIfCancelled(context.signal);
  }
  return session;
}

function lostLock(node: string): BerthError {
  return new BerthError(
    'unavailable',
    `Berth lost ${node}'s GPU lock while choosing GPUs (it was not heard from for over ${LEASE_S} s: asleep, frozen or cut off), so it started nothing on them. Create the session again.`,
  );
}
