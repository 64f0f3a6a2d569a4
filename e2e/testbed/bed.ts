import { join } from 'node:path';
import { clearBedDir, newBedDir } from './bed-dirs';
import { startDockerd } from './dockerd';
import { startAnonymousRegistry, startRegistry } from './registry';
import type { TestAnonymousRegistryInfo, TestRegistryInfo } from './registry';
import { startTestNode } from './test-node';
import type { TestNode, TestNodeOptions } from './test-node';

export interface TestBed {
  dir: string;
  /** The Docker socket that stands for "this computer" in tests. */
  localDockerSocket: string;
  nodes: TestNode[];
  /** A Docker registry on loopback with a login: the team's image library in tests. */
  registry: TestRegistryInfo;
  /** A second registry that needs no login, as on a cluster's private network. */
  anonymousRegistry: TestAnonymousRegistryInfo;
  node(name: string): TestNode;
  stop(): Promise<void>;
}

/**
 * GPU nodes (gpu-a and gpu-q with 4 stand-in GPUs, gpu-b, gpu-n and gpu-f with 2) and plain-a, a node without GPUs whose
 * sshd refuses stream-local forwarding; tests that regenerate a host key use plain-a alone. Then nodes the way real
 * clusters come: rhel-a (Rocky Linux 9, /run/lock 0755 root), tight-a (sshd's MaxSessions 4) and nohook-a (GPUs and
 * nvidia-smi but no NVIDIA container hook for dockerd).
 */
export const DEFAULT_NODES: TestNodeOptions[] = [
  { name: 'gpu-a', gpus: 4 },
  // Only the GPU queue test uses gpu-q, so it alone decides who holds its GPUs.
  { name: 'gpu-q', gpus: 4 },
  { name: 'gpu-b', gpus: 2 },
  // Only the notification and idle-GPU tests use gpu-n: they set its GPUs' readings and fill it.
  { name: 'gpu-n', gpus: 2 },
  // Only the ledger-fault and session-identity tests use gpu-f: they freeze clients, jam its queue and copy its sessions.
  { name: 'gpu-f', gpus: 2 },
  { name: 'plain-a', gpus: 0, allowStreamLocal: false },
  { name: 'rhel-a', gpus: 2, rhel: true },
  { name: 'tight-a', gpus: 0, maxSessions: 4, allowStreamLocal: false },
  { name: 'nohook-a', gpus: 2, nvidiaHook: false },
];

/** Starts what the tests need, and returns how to stop all of it again. */
export async function startBed(nodeOptions: TestNodeOptions[] = DEFAULT_NODES): Promise<TestBed> {
  const dir = newBedDir();
  const nodes: TestNode[] = [];
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(stops.map((stop) => stop().catch(() => undefined)));
    clearBedDir(dir);
  };
  try {
    const [dockerd, registry, anonymousRegistry, ...started] = await Promise.all([
      startDockerd(join(dir, 'local')),
      startRegistry(join(dir, 'registry')),
      startAnonymousRegistry(join(dir, 'registry-anonymous')),
      ...nodeOptions.map((options) => startTestNode(join(dir, options.name), options)),
    ]);
    stops.push(
      () => dockerd.stop(),
      () => registry.stop(),
      () => anonymousRegistry.stop(),
      ...started.map((node) => () => node.stop()),
    );
    nodes.push(...started);
    return {
      dir,
      localDockerSocket: dockerd.socket,
      nodes,
      registry: { address: registry.address, username: registry.username, password: registry.password },
      anonymousRegistry: { address: anonymousRegistry.address },
      node(name) {
        const node = nodes.find((n) => n.name === name);
        if (!node) throw new Error(`The test bed has no node ${name}; it has ${nodes.map((n) => n.name).join(', ')}.`);
        return node;
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
