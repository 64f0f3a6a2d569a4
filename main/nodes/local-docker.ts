import Docker from 'dockerode';
import type { DockerInventory } from '../../app/contract';
import { readMachine } from './inventory';

const PROBE_TIMEOUT_MS = 3000;

/** The local Docker daemon's socket, as the docker CLI finds it: DOCKER_HOST when it names a socket, else the platform default. */
export function localDockerSocket(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  if (host?.startsWith('npipe://')) return host.slice('npipe:'.length).replaceAll('/', '\\');
  return platform === 'win32' ? '\\\\.\\pipe\\docker_engine' : '/var/run/docker.sock';
}

export type LocalDockerProbe = { reachable: true; inventory: DockerInventory } | { reachable: false; problem: string };

/** Asks the daemon at `socketPath` who it is. Bounded in time: a hung daemon reads as unreachable, not as a hung app. */
export async function probeLocalDocker(socketPath: string): Promise<LocalDockerProbe> {
  const docker = new Docker({ socketPath, timeout: PROBE_TIMEOUT_MS });
  try {
    return { reachable: true, inventory: { ...(await readMachine(docker)), gpus: [], nvidiaHook: false, sessions: [] } };
  } catch (error) {
    return { reachable: false, problem: explain(error, socketPath) };
  }
}

function explain(error: unknown, socketPath: string): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return `No Docker daemon is listening at ${socketPath}. Start Docker, or set DOCKER_HOST to its socket.`;
  if (code === 'EACCES') return `Permission denied on ${socketPath}. Add your user to the docker group (then log in again).`;
  if (code === 'ECONNREFUSED') return `Docker's socket ${socketPath} refused the connection: the daemon is not running. Start Docker.`;
  const message = error instanceof Error ? error.message : String(error);
  return `Docker at ${socketPath} did not answer (${message}). Check that the daemon is running.`;
}
