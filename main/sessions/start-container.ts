import type Docker from 'dockerode';
import { BerthError } from '../../app/contract';
import type { SessionSpec as Spec } from '../../app/contract';

type MountSpec = Spec['mounts'][number];
import type { SessionInfo, SessionProgress, SessionSpec } from '../../app/contract';
import { LABELS } from '../../app/domain/labels';
import { parseSize } from '../../app/domain/sizes';
import { log } from '../log/log';
import type { NodeLink } from '../nodes/node-link';
import { LOGIN_SHELL } from './default-shell';
import type { NodeAccount } from './node-account';
import { addAccount } from './passwd-entry';
import { SESSION_LABELS, sessionFromContainer } from './session-container';

/** What the session's container is made of, decided before it is made. */
export interface Planned {
  id: string;
  name: string;
  image: string;
  account: NodeAccount;
  gpus: string[];
  /** The mounts with their sources resolved on the node (symlinks followed), as checked. */
  mounts: MountSpec[];
  /** The daemon's log driver, when it could be read. */
  loggingDriver: string | undefined;
}

export interface Created {
  container: Docker.Container;
  /** Docker's creation time on the node, for the order of GPU claims. */
  created: string;
  plan: Planned;
}

/**
 * A session container's Docker log is bounded, so a session printing `yes` while no one is
 * attached cannot fill the node's disk: json-file (Docker's default) keeps at most 3 × 10 MB.
 * A daemon set to another driver (local, journald) keeps its own limits.
 */
export const LOG_LIMIT = { 'max-size': '10m', 'max-file': '3' } as const;

type Progress = (progress: Omit<SessionProgress, 'requestId'>) => void;

/** Creates the container (not started): it holds its GPUs in the ledger from this moment. */
export async function createContainer(docker: Docker, link: NodeLink, spec: SessionSpec, plan: Planned, progress: Progress): Promise<Created> {
  const { account } = plan;
  progress({ stage: 'creating', message: `Creating ${plan.name} on ${link.bookmark.name}…` });
  const memory = spec.memory ? parseSize(spec.memory) : null;
  const shm = spec.sharedMemory ? parseSize(spec.sharedMemory) : null;
  const { loggingDriver } = plan;
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
        ...plan.mounts.map((mount) => `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`),
      ],
      GroupAdd: account.dockerGid === null ? [] : [String(account.dockerGid)],
      // On the node's loopback only, on a port Docker picks: reached through SSH, never from the network.
      PortBindings: Object.fromEntries(spec.ports.map((port) => [`${port}/tcp`, [{ HostIp: '127.0.0.1', HostPort: '' }]])),
      DeviceRequests: plan.gpus.length > 0 ? [{ Driver: '', Count: 0, DeviceIDs: plan.gpus, Capabilities: [['gpu']], Options: {} }] : [],
      ...(loggingDriver === undefined || loggingDriver === 'json-file' ? { LogConfig: { Type: 'json-file', Config: { ...LOG_LIMIT } } } : {}),
      ...(spec.cpus ? { NanoCpus: Math.round(spec.cpus * 1e9) } : {}),
      ...(memory ? { Memory: memory } : {}),
      ...(shm ? { ShmSize: shm } : {}),
    },
  });
  const info = await container.inspect().catch(async (error: unknown) => {
    await container.remove({ force: true }).catch(log.ignored('sessions', 'removing a container that could not be read'));
    throw error;
  });
  return { container, created: info.Created, plan };
}

/** Writes the user's passwd entry and starts the container; a failure removes it. */
export async function startContainer(link: NodeLink, created: Created, progress: Progress): Promise<SessionInfo> {
  const { container, plan } = created;
  try {
    await addAccount(container, plan.account);
    progress({ stage: 'starting', message: `Starting ${plan.name}…` });
    await container.start();
  } catch (error) {
    await container.remove({ force: true }).catch(log.ignored('sessions', 'removing a container that did not start'));
    throw new BerthError('unavailable', `${plan.name} could not start on ${link.bookmark.name}: ${(error as Error).message}`);
  }
  const info = await container.inspect();
  return sessionFromContainer(link.bookmark.name, plan.account.user, { ...info, Labels: info.Config.Labels }, link.inventory);
}
