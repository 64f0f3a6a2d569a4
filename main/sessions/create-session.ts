import type Docker from 'dockerode';
import { ulid } from 'ulid';
import { BerthError } from '../../app/contract';
import type { SessionInfo, SessionProgress, SessionSpec } from '../../app/contract';
import { LABELS } from '../../app/domain/labels';
import { parseSize } from '../../app/domain/sizes';
import { holdsGpus } from '../../app/domain/gpus';
import { readGpus, readSessions } from '../nodes/inventory';
import type { LibraryAccess } from '../library/library';
import type { NodeLink } from '../nodes/node-link';
import type { SshConnection } from '../nodes/ssh-connection';
import { LOGIN_SHELL } from './default-shell';
import { DEFAULT_IMAGE, ensureImage } from './image-source';
import { readAccount } from './node-account';
import type { NodeAccount } from './node-account';
import { enterQueue, liveTickets, takeGpuLock } from './node-lock';
import { addAccount } from './passwd-entry';
import { SESSION_LABELS, sessionFromContainer } from './session-container';
import { waitForSessionChange } from './session-events';

export interface CreateContext {
  link: NodeLink;
  signal: AbortSignal;
  progress: (progress: Omit<SessionProgress, 'requestId'>) => void;
  /** Other nodes where `gpus` GPUs are free now, for the --no-wait answer. */
  fitsElsewhere: (gpus: number) => Promise<string[]>;
  /** The team library, for beaker:// images. */
  library: () => Promise<LibraryAccess>;
}

function checkMounts(spec: SessionSpec, link: NodeLink): void {
  const allowed = link.bookmark.allowedHostPaths;
  for (const mount of spec.mounts) {
    const inside =
      !mount.source.split('/').includes('..') &&
      allowed.some((path) => mount.source === path || mount.source.startsWith(`${path.replace(/\/$/, '')}/`));
    if (!inside) {
      throw new BerthError(
        'invalid-params',
        `${mount.source} is not among the host folders ${link.bookmark.name} lets sessions mount (${allowed.length ? allowed.join(', ') : 'none yet'}). Add it to the node's allowed host paths first.`,
      );
    }
  }
  if (spec.env.some((entry) => entry.startsWith('NVIDIA_VISIBLE_DEVICES='))) {
    throw new BerthError('invalid-params', 'NVIDIA_VISIBLE_DEVICES is set by Berth from --gpus; leave it out of --env.');
  }
}

/**
 * Creates a session: checks the request against the node before anything is made, makes sure of
 * the image, then (for GPUs) waits its turn in the node's queue, picks free GPUs under the node's
 * GPU lock and starts the container before letting go of the lock. Cancelling at any point
 * leaves nothing on the node.
 */
export async function createSession(spec: SessionSpec, context: CreateContext): Promise<SessionInfo> {
  const { link, signal, progress } = context;
  const docker = await link.dockerClient();
  const ssh = link.ssh;
  if (!ssh) throw new BerthError('unavailable', `${link.bookmark.name} is not connected.`);
  checkMounts(spec, link);
  for (const [flag, value] of [
    ['--memory', spec.memory],
    ['--shared-memory', spec.sharedMemory],
  ] as const) {
    if (value !== undefined && parseSize(value) === null)
      throw new BerthError('invalid-params', `${flag} ${value} is not a size; use e.g. 512m or 16g.`);
  }

  if (spec.gpus > 0) {
    const reading = await readGpus(ssh);
    if (reading.gpus.length === 0)
      throw new BerthError('invalid-params', `${link.bookmark.name} has no GPUs (nvidia-smi found none). Leave out --gpus, or pick a GPU node.`);
    if (spec.gpus > reading.gpus.length) {
      throw new BerthError('invalid-params', `${link.bookmark.name} has ${reading.gpus.length} GPUs; this session asks for ${spec.gpus}.`);
    }
    if (!reading.nvidiaHook) {
      throw new BerthError(
        'unavailable',
        `${link.bookmark.name} lacks the NVIDIA container hook (nvidia-container-toolkit), so Docker cannot hand out its GPUs. Ask its administrator to install it.`,
      );
    }
  }

  const id = ulid();
  progress({ stage: 'resolving', message: `Checking the image on ${link.bookmark.name}…` });
  // Independent round trips to the node, made at once.
  const [account, image] = await Promise.all([
    readAccount(ssh),
    ensureImage(
      docker,
      spec.image ?? link.bookmark.defaultImage ?? DEFAULT_IMAGE,
      spec.pull,
      context.library,
      (message) => progress({ stage: 'pulling', message }),
      signal,
    ),
  ]);
  const name = spec.name ?? `${account.user}-${id.slice(-8).toLowerCase()}`;
  if ((await docker.listContainers({ all: true, filters: { name: [`^/${name}$`] } })).length > 0) {
    throw new BerthError('invalid-params', `A container named ${name} exists on ${link.bookmark.name} already. Pick another --name.`);
  }

  const start = (gpus: string[]): Promise<SessionInfo> => startContainer(docker, link, spec, { id, name, image, account, gpus }, progress);
  if (spec.gpus === 0) return start([]);
  return waitForGpus(ssh, docker, spec, context, start);
}

async function waitForGpus(
  ssh: SshConnection,
  docker: Docker,
  spec: SessionSpec,
  context: CreateContext,
  start: (gpus: string[]) => Promise<SessionInfo>,
): Promise<SessionInfo> {
  const { link, signal, progress } = context;
  const ticket = await enterQueue(ssh, spec.gpus, signal);
  try {
    for (;;) {
      if (signal.aborted) throw new BerthError('cancelled', 'The session was cancelled; nothing was created.');
      const ahead = (await liveTickets(ssh)).filter(
        (other) => other.name < ticket.name || (other.name.length < ticket.name.length && other.name !== ticket.name),
      ).length;
      const wanted = `${spec.gpus} GPU${spec.gpus === 1 ? '' : 's'}`;
      let free: string[] = [];
      let total = 0;
      if (ahead === 0) {
        const lock = await takeGpuLock(ssh, signal);
        try {
          const [reading, sessions] = await Promise.all([readGpus(ssh), readSessions(docker)]);
          const held = new Set(sessions.filter(holdsGpus).flatMap((session) => session.gpus));
          free = reading.gpus.filter((gpu) => !held.has(gpu.uuid)).map((gpu) => gpu.uuid);
          total = reading.gpus.length;
          if (free.length >= spec.gpus) return await start(free.slice(0, spec.gpus));
        } finally {
          lock.release();
        }
      } else {
        const [reading, sessions] = await Promise.all([readGpus(ssh), readSessions(docker)]);
        const held = new Set(sessions.filter(holdsGpus).flatMap((session) => session.gpus));
        free = reading.gpus.filter((gpu) => !held.has(gpu.uuid)).map((gpu) => gpu.uuid);
        total = reading.gpus.length;
      }
      const reason = `waiting for ${wanted}: ${free.length} of ${total} free, ${ahead} ahead of you`;
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

interface Planned {
  id: string;
  name: string;
  image: string;
  account: NodeAccount;
  gpus: string[];
}

async function startContainer(
  docker: Docker,
  link: NodeLink,
  spec: SessionSpec,
  plan: Planned,
  progress: CreateContext['progress'],
): Promise<SessionInfo> {
  const { account } = plan;
  progress({ stage: 'creating', message: `Creating ${plan.name} on ${link.bookmark.name}…` });
  const memory = spec.memory ? parseSize(spec.memory) : null;
  const shm = spec.sharedMemory ? parseSize(spec.sharedMemory) : null;
  const container = await docker.createContainer({
    name: plan.name,
    Image: plan.image,
    Cmd: spec.command.length > 0 ? spec.command : LOGIN_SHELL,
    Tty: true,
    OpenStdin: true,
    StdinOnce: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    User: `${account.uid}:${account.gid}`,
    WorkingDir: spec.workdir ?? account.home,
    // Berth's own variables come last, so they win over anything of the same name.
    Env: [
      ...spec.env,
      `HOME=${account.home}`,
      `USER=${account.user}`,
      `LOGNAME=${account.user}`,
      ...(plan.gpus.length === 0 ? ['NVIDIA_VISIBLE_DEVICES=void'] : []),
    ],
    Labels: {
      [LABELS.session]: plan.id,
      [LABELS.name]: plan.name,
      [LABELS.owner]: account.user,
      [LABELS.gpus]: plan.gpus.join(','),
      [SESSION_LABELS.image]: spec.image ?? plan.image,
      [SESSION_LABELS.command]: JSON.stringify(spec.command),
      [SESSION_LABELS.created]: new Date().toISOString(),
      [SESSION_LABELS.ports]: spec.ports.join(','),
    },
    ExposedPorts: Object.fromEntries(spec.ports.map((port) => [`${port}/tcp`, {}])),
    HostConfig: {
      Init: true,
      Binds: [
        `${account.home}:${account.home}`,
        `${link.bookmark.dockerSocket}:/var/run/docker.sock`,
        ...spec.mounts.map((mount) => `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`),
      ],
      GroupAdd: account.dockerGid === null ? [] : [String(account.dockerGid)],
      // On the node's loopback only, on a port Docker picks: reached through SSH, never from the network.
      PortBindings: Object.fromEntries(spec.ports.map((port) => [`${port}/tcp`, [{ HostIp: '127.0.0.1', HostPort: '' }]])),
      DeviceRequests: plan.gpus.length > 0 ? [{ Driver: '', Count: 0, DeviceIDs: plan.gpus, Capabilities: [['gpu']], Options: {} }] : [],
      ...(spec.cpus ? { NanoCpus: Math.round(spec.cpus * 1e9) } : {}),
      ...(memory ? { Memory: memory } : {}),
      ...(shm ? { ShmSize: shm } : {}),
    },
  });
  try {
    await addAccount(container, account);
    progress({ stage: 'starting', message: `Starting ${plan.name}…` });
    await container.start();
  } catch (error) {
    await container.remove({ force: true }).catch(() => undefined);
    throw new BerthError('unavailable', `${plan.name} could not start on ${link.bookmark.name}: ${(error as Error).message}`);
  }
  const info = await container.inspect();
  return sessionFromContainer(link.bookmark.name, account.user, { ...info, Labels: info.Config.Labels }, link.inventory);
}
