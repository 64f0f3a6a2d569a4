import { z } from 'zod';
import { BookmarkName } from './bookmarks';

export const PullPolicy = z.enum(['always', 'missing', 'never']);
export type PullPolicy = z.infer<typeof PullPolicy>;

const AbsolutePath = z.string().regex(/^\/[^\0:]*$/, 'use an absolute path, starting with /');
/** Docker's sizes: 512m, 16g, 1.5g, 1073741824. */
export const Size = z.string().regex(/^\d+(\.\d+)?\s*[kmgt]?i?b?$/i, 'give a size like 512m, 16g or 1.5g');

export const MountSpec = z.object({ source: AbsolutePath, target: AbsolutePath, readOnly: z.boolean().default(false) }).strict();

export const SessionName = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/, 'a session name is 1 to 63 letters, digits, _ . or -, starting with a letter or digit');

/** What `session create` asks for; the seed's flags, and Berth's. */
/** A TCP port: 1 to 65535. */
export const Port = z
  .number('a port is a whole number from 1 to 65535')
  .int('a port is a whole number from 1 to 65535')
  .min(1, 'a port is a whole number from 1 to 65535')
  .max(65535, 'a port is a whole number from 1 to 65535');

export const SessionSpec = z
  .object({
    node: BookmarkName,
    /** docker://REF, beaker://NAME[:TAG] or a bare reference; the node's default image when left out. */
    image: z.string().min(1).optional(),
    pull: PullPolicy.default('missing'),
    gpus: z
      .number('give a whole number of GPUs')
      .int('give a whole number of GPUs')
      .min(0, 'the number of GPUs cannot be negative')
      .max(64)
      .default(0),
    cpus: z.number().positive('give a positive number of CPUs').max(1024).optional(),
    memory: Size.optional(),
    sharedMemory: Size.optional(),
    name: SessionName.optional(),
    env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/, 'environment variables are KEY=VALUE')).default([]),
    mounts: z.array(MountSpec).default([]),
    workdir: AbsolutePath.optional(),
    /** The command after `--`; the image's shell as a login shell when empty. */
    command: z.array(z.string()).default([]),
    /** Ports the session serves (Jupyter, TensorBoard): published on the node's 127.0.0.1 only and forwarded to this computer once it starts. */
    ports: z.array(Port).max(32).default([]),
    /** Wait in the node's queue when the GPUs are taken; false fails at once. */
    wait: z.boolean().default(true),
    /** Chosen by the caller, to match the progress events of this create. */
    requestId: z.string().max(64).optional(),
  })
  .strict();
export type SessionSpec = z.output<typeof SessionSpec>;
export type SessionSpecInput = z.input<typeof SessionSpec>;

export const SessionInfo = z.object({
  id: z.string(),
  name: z.string(),
  node: z.string(),
  owner: z.string(),
  /** Docker's state of the session's container: running, exited, created… */
  status: z.string(),
  image: z.string(),
  gpus: z.array(z.string()),
  gpuIndexes: z.array(z.number().int()),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  exitCode: z.number().int().optional(),
  command: z.array(z.string()),
  /** Ports declared when it was created. */
  ports: z.array(z.number().int()),
  /** Its GPUs' latest readings, from the node's periodic query. */
  gpuUsage: z.array(z.object({ index: z.number().int(), utilization: z.number(), memoryUsedMiB: z.number(), memoryMiB: z.number() })).default([]),
  /** Since when all its GPUs have been idle; the settings say after how long that counts as idle. */
  idleSince: z.string().optional(),
  /** Whether the user Berth acts as on that node owns it. */
  mine: z.boolean(),
  /** Once its main process has ended: the last lines it wrote, to see why. */
  lastOutput: z.string().optional(),
});
export type SessionInfo = z.output<typeof SessionInfo>;

export const SessionProgress = z.object({
  requestId: z.string(),
  stage: z.enum(['resolving', 'pulling', 'waiting', 'creating', 'starting']),
  message: z.string(),
  /** Requests ahead of this one in the node's GPU queue. */
  ahead: z.number().int().optional(),
});
export type SessionProgress = z.output<typeof SessionProgress>;

export const HistoryEntry = z.object({
  id: z.string(),
  name: z.string(),
  node: z.string(),
  owner: z.string(),
  image: z.string(),
  gpus: z.array(z.string()),
  startedAt: z.string().optional(),
  finishedAt: z.string(),
  exitCode: z.number().int().optional(),
  /** The last lines its main process wrote. */
  lastOutput: z.string().optional(),
});
export type HistoryEntry = z.output<typeof HistoryEntry>;

export const TerminalKind = z.enum(['attach', 'exec']);

export const TerminalExit = z.object({
  exitCode: z.number().int().nullable(),
  sessionEnded: z.boolean(),
  /** The node's connection dropped under an exec terminal: its process was ended, and a new one can be opened. */
  connectionLost: z.boolean(),
});
export type TerminalExit = z.output<typeof TerminalExit>;

export const TerminalStatus = z.object({
  terminal: z.string(),
  state: z.enum(['reconnecting', 'live']),
  message: z.string(),
});
export type TerminalStatus = z.output<typeof TerminalStatus>;

/** A terminal tab as the UI left it, so a restarted Berth can offer to open it again. */
export const RememberedTab = z.object({
  session: z.string(),
  sessionName: z.string(),
  node: z.string(),
  kind: TerminalKind,
  command: z.array(z.string()),
  /** The name the user gave the tab, if any. */
  title: z.string().max(200).optional(),
});
export type RememberedTab = z.output<typeof RememberedTab>;
