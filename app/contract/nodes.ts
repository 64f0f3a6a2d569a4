import { z } from 'zod';
import { Bookmark } from './bookmarks';

/** Where a node's connection stands, in the words the UI and CLI show. */
export const NodeState = z.enum([
  'idle', // a bookmark not connected yet
  'connecting',
  'connected',
  'reconnecting',
  'host-key-unknown',
  'host-key-changed',
  'needs-secret',
  'auth-failed',
  'unreachable',
  'docker-unavailable',
]);
export type NodeState = z.infer<typeof NodeState>;

export const HostKeyInfo = z.object({
  type: z.string(),
  /** As OpenSSH prints it: "SHA256:…" */
  fingerprint: z.string(),
  /** For a changed key: the fingerprints Berth knew for this host. */
  expected: z.array(z.string()).optional(),
});
export type HostKeyInfo = z.infer<typeof HostKeyInfo>;

export const NodeStatus = z.object({
  state: NodeState,
  /** Reconnection attempt, from 1. */
  attempt: z.number().int().optional(),
  /** What went wrong and what to do, in plain words. */
  message: z.string().optional(),
  hostKey: HostKeyInfo.optional(),
  /** Which secret the node is waiting for. */
  secret: z.enum(['password', 'passphrase']).optional(),
  /** How Docker is reached: a stream-local channel, or `docker system dial-stdio` where the server refuses those. */
  dockerVia: z.enum(['socket', 'streamlocal', 'dial-stdio']).optional(),
  /** More than one when the node's sshd MaxSessions made Berth open further connections. */
  sshConnections: z.number().int().optional(),
});
export type NodeStatus = z.infer<typeof NodeStatus>;

export const Gpu = z.object({
  index: z.number().int(),
  uuid: z.string(),
  name: z.string(),
  memoryMiB: z.number(),
  memoryUsedMiB: z.number(),
  utilization: z.number(),
  /** Since when Berth has seen it at 0% utilization, reading after reading. */
  idleSince: z.string().optional(),
  /** The Berth session holding this GPU, from the node's own container labels. */
  reservedBy: z.object({ session: z.string(), owner: z.string() }).optional(),
});
export type Gpu = z.infer<typeof Gpu>;

export const SessionHold = z.object({
  id: z.string(),
  name: z.string(),
  owner: z.string(),
  status: z.string(),
  gpus: z.array(z.string()),
  /** Its container's ID on the node. */
  containerId: z.string().optional(),
  /** When its container was created. */
  createdAt: z.string().optional(),
  /** Since when all its GPUs have been idle (not before it began); absent while any is busy. */
  idleSince: z.string().optional(),
});
export type SessionHold = z.infer<typeof SessionHold>;

/** What a node's Docker daemon (and nvidia-smi) say of the machine. */
export const DockerInventory = z.object({
  hostname: z.string(),
  os: z.string(),
  architecture: z.string(),
  cpus: z.number().int().nonnegative(),
  memoryBytes: z.number().nonnegative(),
  dockerVersion: z.string(),
  gpus: z.array(Gpu).default([]),
  /** Whether nvidia-container-runtime-hook is installed, without which Docker cannot hand out GPUs. */
  nvidiaHook: z.boolean().default(false),
  /** The Docker daemon's ID: one per machine, however many bookmarks reach it. */
  machineId: z.string().optional(),
  /** Where the node's GPU lock and queue live (the first folder), and any folder there that is in the way. */
  ledger: z.object({ folders: z.array(z.string()), problems: z.array(z.string()) }).optional(),
  sessions: z.array(SessionHold).default([]),
});
export type DockerInventory = z.output<typeof DockerInventory>;

export const NodeSummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['local', 'ssh']),
  /** Where Berth reaches the node, as a person would write it: alice@gpu-3:22, or a socket path. */
  address: z.string(),
  cluster: z.string().optional(),
  /** The user Berth acts as on the node: "reserved by me" means this user. */
  user: z.string().optional(),
  status: NodeStatus,
  inventory: DockerInventory.optional(),
  /** Other bookmarks that reach the same machine (the same Docker daemon ID): its sessions are listed once, under the first. */
  sameMachineAs: z.array(z.string()).optional(),
  bookmark: Bookmark.optional(),
});
export type NodeSummary = z.output<typeof NodeSummary>;

export const NodeList = z.object({
  nodes: z.array(NodeSummary),
  /** Why "This computer" is absent, when it is: shown to a first-time user instead of an empty page. */
  localDocker: z.object({ socket: z.string(), reachable: z.boolean(), problem: z.string().optional() }),
  /** The bookmarks file could not be read: what happened and where the old file was kept. */
  bookmarksProblem: z.string().optional(),
});
export type NodeList = z.output<typeof NodeList>;

/** One line of `berth node doctor`: what was checked, what was found, and the fix when it is not right. */
export const DoctorCheck = z.object({
  check: z.string(),
  status: z.enum(['ok', 'warn', 'fail', 'skip']),
  detail: z.string(),
  fix: z.string().optional(),
});
export type DoctorCheck = z.infer<typeof DoctorCheck>;

export const DoctorReport = z.object({ node: z.string(), checks: z.array(DoctorCheck) });
export type DoctorReport = z.infer<typeof DoctorReport>;
