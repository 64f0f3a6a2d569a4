import type Docker from 'dockerode';
import type { DockerInventory, SessionInfo } from '../../app/contract';
import { isSessionContainer, LABELS } from '../../app/domain/labels';

/** Further labels Berth keeps on a session's container, beside the shared ones in app/domain/labels. */
export const SESSION_LABELS = {
  image: 'berth.image',
  command: 'berth.command',
  created: 'berth.created',
  /** Comma-separated declared ports. */
  ports: 'berth.ports',
} as const;

/** A session as the node records it: its container's labels and state. */
export function sessionFromContainer(
  node: string,
  me: string,
  info: {
    Id: string;
    Labels: Record<string, string>;
    State: string | { Status: string; StartedAt?: string; FinishedAt?: string; ExitCode?: number };
    Names?: string[];
    Name?: string;
  },
  /** The node's latest inventory: GPU indexes, readings and idle times. */
  inventory: DockerInventory | undefined,
): SessionInfo {
  const labels = info.Labels;
  const state = typeof info.State === 'string' ? { Status: info.State } : info.State;
  const gpus = (labels[LABELS.gpus] ?? '').split(',').filter(Boolean);
  let command: string[];
  try {
    command = JSON.parse(labels[SESSION_LABELS.command] ?? '[]') as string[];
  } catch {
    command = [];
  }
  const owner = labels[LABELS.owner] ?? 'unknown';
  const held = gpus.map((uuid) => inventory?.gpus.find((gpu) => gpu.uuid === uuid)).filter((gpu) => gpu !== undefined);
  const session: SessionInfo = {
    id: labels[LABELS.session] ?? info.Id.slice(0, 12),
    name: labels[LABELS.name] ?? (info.Name ?? info.Names?.[0] ?? '').replace(/^\//, ''),
    node,
    owner,
    status: state.Status,
    image: labels[SESSION_LABELS.image] ?? '',
    gpus,
    gpuIndexes: held.map((gpu) => gpu.index),
    gpuUsage: held.map(({ index, utilization, memoryUsedMiB, memoryMiB }) => ({ index, utilization, memoryUsedMiB, memoryMiB })),
    createdAt: labels[SESSION_LABELS.created] ?? '',
    command,
    ports: (labels[SESSION_LABELS.ports] ?? '').split(',').filter(Boolean).map(Number),
    mine: owner === me,
  };
  const idleSince = inventory?.sessions.find((hold) => hold.id === session.id)?.idleSince;
  if (idleSince && state.Status === 'running') session.idleSince = idleSince;
  if ('StartedAt' in state && state.StartedAt && !state.StartedAt.startsWith('0001')) session.startedAt = state.StartedAt;
  if ('FinishedAt' in state && state.FinishedAt && !state.FinishedAt.startsWith('0001')) session.finishedAt = state.FinishedAt;
  if ('ExitCode' in state && state.Status === 'exited' && state.ExitCode !== undefined) session.exitCode = state.ExitCode;
  return session;
}

/** The sessions' containers; copies that inherited a session's labels from an image are left out (see isSessionContainer). */
export async function findContainers(docker: Docker, filter: { session?: string } = {}): Promise<Docker.ContainerInfo[]> {
  const containers = await docker.listContainers({
    all: true,
    filters: { label: [filter.session ? `${LABELS.session}=${filter.session}` : LABELS.session] },
  });
  return containers.filter((container) => isSessionContainer(container.Labels, container.Names));
}

const LAST_LINES = 20;
const LAST_CHARS = 2000;
// Terminal control sequences (colours, cursor moves, titles) and carriage returns: noise in a plain text summary.
// eslint-disable-next-line no-control-regex
const CONTROL = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\r/g;

/** The last lines a session's main process wrote (its container has a TTY, so the log is the terminal's text). */
export async function lastOutput(container: Docker.Container): Promise<string> {
  const raw = await container.logs({ stdout: true, stderr: true, follow: false, tail: LAST_LINES });
  const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
  return text.replace(CONTROL, '').trimEnd().slice(-LAST_CHARS);
}

/** The command line of the session's main process (the child of Docker's init), as `docker top` shows it. */
export async function mainProcessCommand(container: Docker.Container): Promise<string | null> {
  const top = (await container.top().catch(() => null)) as { Titles: string[]; Processes: string[][] } | null;
  if (!top) return null;
  const [pid, ppid, args] = ['PID', 'PPID', 'CMD'].map((title) => top.Titles.indexOf(title));
  if (pid === undefined || ppid === undefined || args === undefined || pid < 0 || ppid < 0 || args < 0) return null;
  const init = top.Processes[0];
  const child = top.Processes.find((row) => row[ppid] === init?.[pid]);
  return child?.[args] ?? null;
}
