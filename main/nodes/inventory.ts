import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import type { DockerInventory, SessionHold } from '../../app/contract';
import { NVIDIA_SMI_ARGS, parseGpuCsv, withReservations } from '../../app/domain/gpus';
import { isSessionContainer, LABELS } from '../../app/domain/labels';
import type { SshConnection } from './ssh-connection';

/** The GPU query (its arguments are NVIDIA_SMI_ARGS), then whether nvidia-smi exists at all and whether the NVIDIA container hook is installed. */
const GPU_SCRIPT =
  'if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi "$@" 2>/dev/null; s=$?; echo; echo "berth-smi=$s"; else echo berth-smi=missing; fi; ' +
  'if command -v nvidia-container-runtime-hook >/dev/null 2>&1; then echo berth-hook=yes; else echo berth-hook=no; fi';

export interface GpuReading {
  gpus: ReturnType<typeof parseGpuCsv>;
  nvidiaHook: boolean;
  /** nvidia-smi's exit status, or 'missing' where there is none on the PATH. */
  smi: 'missing' | number;
}

export async function readGpus(connection: SshConnection): Promise<GpuReading> {
  const { stdout } = await connection.runOk(GPU_SCRIPT, NVIDIA_SMI_ARGS, { what: 'read the GPUs (nvidia-smi)' });
  const [csv = '', rest = ''] = stdout.split('berth-smi=');
  const smi = rest.split('\n')[0]?.trim() ?? '';
  return {
    gpus: parseGpuCsv(csv),
    nvidiaHook: /berth-hook=yes/.test(rest),
    smi: smi === 'missing' ? 'missing' : Number(smi),
  };
}

/** The Berth sessions on a node, read from their containers' labels: the node is the source of truth. */
export async function readSessions(docker: Docker): Promise<SessionHold[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: [LABELS.session] } });
  // A copy of a session (docker commit + run) carries its labels but is not the session, and holds none of its GPUs.
  return containers
    .filter((container) => isSessionContainer(container.Labels, container.Names))
    .map((container) => {
      const labels = container.Labels;
      return {
        id: labels[LABELS.session] ?? container.Id.slice(0, 12),
        containerId: container.Id,
        name: labels[LABELS.name] ?? container.Names[0]?.replace(/^\//, '') ?? '',
        owner: labels[LABELS.owner] ?? 'unknown',
        status: container.State,
        gpus: (labels[LABELS.gpus] ?? '').split(',').filter((uuid) => uuid.length > 0),
        createdAt: new Date(container.Created * 1000).toISOString(),
      };
    });
}

/** The fields of Docker's /info that Berth reads; dockerode types the answer as any. */
interface DockerInfo {
  ID?: string;
  Name: string;
  OperatingSystem: string;
  Architecture: string;
  NCPU: number;
  MemTotal: number;
  ServerVersion: string;
}

export type Machine = Pick<DockerInventory, 'hostname' | 'os' | 'architecture' | 'cpus' | 'memoryBytes' | 'dockerVersion' | 'machineId'>;

/** The machine as its Docker daemon describes it. */
export async function readMachine(docker: Docker): Promise<Machine> {
  const info = (await docker.info()) as DockerInfo;
  return {
    hostname: info.Name,
    ...(info.ID ? { machineId: info.ID } : {}),
    os: info.OperatingSystem,
    architecture: info.Architecture,
    cpus: info.NCPU,
    memoryBytes: info.MemTotal,
    dockerVersion: info.ServerVersion,
  };
}

/**
 * A machine is its Docker daemon's ID, its host name and its SSH host key together: nodes cloned
 * from one image share Docker's ID (it lives in /etc/docker/key.json) and often the host key, but
 * not the host name; one host reached at two addresses keeps all three.
 */
function machineIdentity(dockerId: string | undefined, hostKey: Buffer | null): { machineId?: string } {
  if (!dockerId || !hostKey) return {};
  return { machineId: `${dockerId}/${createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}` };
}

export async function readInventory(docker: Docker, connection: SshConnection): Promise<DockerInventory> {
  const [{ machineId: dockerId, ...machine }, reading, sessions] = await Promise.all([
    readMachine(docker),
    readGpus(connection),
    readSessions(docker),
  ]);
  return {
    ...machine,
    ...machineIdentity(dockerId && `${dockerId}/${machine.hostname}`, connection.presentedKey),
    gpus: withReservations(reading.gpus, sessions),
    nvidiaHook: reading.nvidiaHook,
    sessions,
  };
}
