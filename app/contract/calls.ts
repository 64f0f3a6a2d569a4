import { z } from 'zod';
import { AppInfo } from './app-info';
import { Bookmark, BookmarkName } from './bookmarks';
import { DoctorReport, NodeList, NodeSummary } from './nodes';
import { HistoryEntry, Port, SessionInfo, SessionProgress, SessionSpec, RememberedTab, TerminalExit, TerminalKind, TerminalStatus } from './sessions';
import { Settings, SettingsChange } from './settings';
import { PortForward } from './forwards';
import { DesktopNotification } from './notifications';
import { GitHost, NodeGitStatus } from './git';
import { BuildSpec, ImageJob, JobOutput, LibraryImage, LibraryName, LibrarySettings, NodeImage } from './images';

/** A call: what the caller sends, and what it gets back. Both are checked at run time on the back end. */
interface CallSpec<P extends z.ZodType, R extends z.ZodType> {
  params: P;
  result: R;
}

function call<P extends z.ZodType, R extends z.ZodType>(params: P, result: R): CallSpec<P, R> {
  return { params, result };
}

const NoParams = z.object({}).strict();
const ByName = z.object({ name: BookmarkName }).strict();
const JobId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a job id is 1 to 64 letters, digits, _ or -');
const ByJob = z.object({ job: JobId }).strict();
const ImageName = z.string().min(1, 'name an image').max(512);

/** Every call the UI, the CLI and the tests can make of the core. Capabilities add theirs here. */
export const calls = {
  'app.info': call(NoParams, AppInfo),

  'nodes.list': call(NoParams, NodeList),
  /** Connects if need be; a node waiting for the user (host key, password) comes back with that status, not an error. */
  'nodes.connect': call(ByName, NodeSummary),
  /** Connects and reads the inventory afresh; fails with the reason when the node cannot be reached. */
  'nodes.show': call(ByName, NodeSummary),
  /** Connects and checks what Berth needs of the node, one line each with a fix (`berth node doctor`). */
  'nodes.doctor': call(ByName, DoctorReport),
  /** The private keys in ~/.ssh on the computer Berth runs on, for the Add node dialog's Browse. */
  'nodes.keyFiles': call(NoParams, z.object({ dir: z.string(), files: z.array(z.string()) })),
  /** Whether a key file exists and is a private key Berth can read. */
  'nodes.checkKeyFile': call(z.object({ path: z.string().min(1).max(4096) }).strict(), z.object({ ok: z.boolean(), message: z.string() })),
  'nodes.add': call(z.object({ bookmark: Bookmark }).strict(), NodeSummary),
  'nodes.update': call(z.object({ name: BookmarkName, bookmark: Bookmark }).strict(), NodeSummary),
  'nodes.remove': call(ByName, z.object({})),
  'nodes.provideSecret': call(
    z
      .object({
        name: BookmarkName,
        kind: z.enum(['password', 'passphrase']),
        value: z.string().min(1, 'the secret is empty').max(4096),
        /** Keep it in the OS keychain (desktop app only); otherwise it lasts until Berth quits. */
        remember: z.boolean().default(false),
      })
      .strict(),
    NodeSummary,
  ),
  'nodes.trustHostKey': call(
    z
      .object({
        name: BookmarkName,
        fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'expected SHA256: and 43 base64 characters'),
        remember: z.boolean(),
      })
      .strict(),
    NodeSummary,
  ),
  /** The hosts of an OpenSSH client config, as bookmarks ready to add. */
  'nodes.sshConfigHosts': call(
    z.object({ file: z.string().optional() }).strict(),
    z.object({ file: z.string(), bookmarks: z.array(Bookmark), skipped: z.array(z.string()) }),
  ),

  /** Claims GPUs (waiting in the node's queue if need be) and starts the session; resolves once it runs. */
  'sessions.create': call(SessionSpec, SessionInfo),
  /** My sessions on every bookmarked node, or everyone's; a node that cannot be reached is named in problems. */
  'sessions.list': call(
    z.object({ node: BookmarkName.optional(), everyone: z.boolean().default(false) }).strict(),
    z.object({ sessions: z.array(SessionInfo), problems: z.array(z.string()) }),
  ),
  /** A session by ID, unique ID prefix or name. */
  'sessions.describe': call(z.object({ id: z.string().min(1) }).strict(), SessionInfo),
  /** SIGTERM, a grace period, SIGKILL; then the container goes and its GPUs are free. Another user's session needs force. */
  'sessions.stop': call(z.object({ id: z.string().min(1), force: z.boolean().default(false) }).strict(), HistoryEntry),
  'sessions.history': call(NoParams, z.array(HistoryEntry)),
  /** Whether a node could start a session with GPUs now: its free GPUs, and how many requests wait in its queue. */
  'sessions.availability': call(ByName, z.object({ free: z.number().int(), total: z.number().int(), waiting: z.number().int() })),

  /** Forwards a session's port to 127.0.0.1 here over the node's SSH connection; a local port in use gives way to the next free one (the answer says which). */
  'forwards.open': call(z.object({ session: z.string().min(1), port: Port, localPort: Port.optional() }).strict(), PortForward),
  'forwards.list': call(NoParams, z.object({ forwards: z.array(PortForward) })),
  'forwards.close': call(z.object({ id: z.string().min(1) }).strict(), z.object({})),

  /** A terminal on a session: attached to its main process, or a new process (a login shell by default). */
  'terminals.open': call(
    z
      .object({
        session: z.string().min(1),
        kind: TerminalKind,
        command: z.array(z.string()).default([]),
        cols: z.number().int().min(1).max(1000),
        rows: z.number().int().min(1).max(1000),
        /** Another user's session needs this (the user confirmed): without it, it is refused before any of their output is shown. */
        force: z.boolean().default(false),
      })
      .strict(),
    z.object({ terminal: z.string(), stream: z.string(), session: SessionInfo }),
  ),
  'terminals.input': call(z.object({ terminal: z.string(), data: z.string().max(1024 * 1024) }).strict(), z.object({})),
  'terminals.resize': call(
    z.object({ terminal: z.string(), cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) }).strict(),
    z.object({}),
  ),
  /** The tabs that were open when Berth last closed. */
  'terminals.remembered': call(NoParams, z.object({ tabs: z.array(RememberedTab) })),
  /** The tabs open now, remembered for the next start. */
  'terminals.remember': call(z.object({ tabs: z.array(RememberedTab).max(500) }).strict(), z.object({})),
  /** How a terminal's stream ended: its process's exit code, whether the session ended, or whether the connection was lost. */
  'terminals.exit': call(z.object({ terminal: z.string() }).strict(), TerminalExit),

  /** A node's images, as `docker images` lists them. */
  'images.list': call(z.object({ node: BookmarkName }).strict(), z.object({ images: z.array(NodeImage) })),
  /** Removes a tag or untagged image; refused while a running session uses it. */
  'images.remove': call(z.object({ node: BookmarkName, image: ImageName }).strict(), z.object({})),
  /** Which of a dropped folder's files go to the node, by its .dockerignore (Docker's rules). */
  'images.context': call(
    z
      .object({
        paths: z.array(z.string().max(4096)).max(200_000),
        dockerignore: z
          .string()
          .max(1024 * 1024)
          .default(''),
        dockerfile: z.string().min(1).default('Dockerfile'),
      })
      .strict(),
    z.object({ included: z.array(z.string()) }),
  ),
  /** Builds an image on a node; resolves when the build ends. Follow it by images.job and images.output events. */
  'images.build': call(BuildSpec, ImageJob),
  /** The next piece (base64, at most 1 MiB of data) of an upload build's context; resolves once the node is taking it. */
  'images.upload': call(z.object({ job: JobId, data: z.string().max(1_400_000) }).strict(), z.object({})),
  /** Pulls a reference on a node, with progress per layer; resolves when done. */
  'images.pull': call(z.object({ node: BookmarkName, image: ImageName, job: JobId.optional() }).strict(), ImageJob),
  /** Saves a node's image to the team library as NAME:TAG, with a description every user sees. */
  'images.push': call(
    z
      .object({
        node: BookmarkName,
        image: ImageName,
        name: LibraryName,
        tag: z.string().default('latest'),
        description: z.string().max(4000).default(''),
        job: JobId.optional(),
      })
      .strict(),
    ImageJob,
  ),
  /** Streams an image from one node straight into another (docker save | docker load), for clusters without a registry. */
  'images.copy': call(z.object({ image: ImageName, from: BookmarkName, to: BookmarkName, job: JobId.optional() }).strict(), ImageJob),
  /** Builds, pulls, pushes and copies running or finished and not yet dismissed, with their output. */
  'images.jobs': call(NoParams, z.object({ jobs: z.array(ImageJob.extend({ log: z.string() })) })),
  /** Stops a running job; a build stops on the node. */
  'images.cancel': call(ByJob, z.object({})),
  /** Forgets a finished job and its output. */
  'images.dismiss': call(ByJob, z.object({})),

  /** The team library's images with tags, descriptions, sizes and dates. */
  'library.list': call(NoParams, z.object({ address: z.string(), images: z.array(LibraryImage) })),
  /** Sets the library after checking the registry takes the login; the password goes to the keychain. An empty address unsets it. */
  'library.set': call(
    z.object({ address: z.string().max(300), username: z.string().max(200).default(''), password: z.string().min(1).max(4096).optional() }).strict(),
    /** passwordKept: whether a keychain holds the password beyond this run. */
    LibrarySettings.extend({ passwordKept: z.boolean() }),
  ),

  /** Keeps a token for a Git host in the keychain (never in the settings file); kept says whether it outlives this run. */
  'git.setToken': call(
    z
      .object({
        host: GitHost,
        username: z
          .string()
          .max(500)
          .regex(/^[^\n\r\0]*$/, 'the username must be on one line')
          .default('x-access-token'),
        token: z.string().min(1, 'the token is empty').max(4096),
      })
      .strict(),
    z.object({ kept: z.boolean() }),
  ),
  'git.removeToken': call(z.object({ host: GitHost }).strict(), z.object({})),
  /** What the node's ~/.gitconfig and ~/.git-credentials hold (hosts, never tokens). */
  'git.status': call(z.object({ node: BookmarkName }).strict(), NodeGitStatus),
  /** Writes name, email, credential.helper store and the tokens (of `hosts`, or all) into the home on the node, over SFTP. */
  'git.setup': call(z.object({ node: BookmarkName, hosts: z.array(GitHost).default([]) }).strict(), NodeGitStatus),
  /** Removes the tokens Berth wrote there, and the store helper once none are left. */
  'git.remove': call(z.object({ node: BookmarkName }).strict(), NodeGitStatus),

  'settings.get': call(NoParams, Settings),
  /** Changes some settings and returns them all. */
  'settings.update': call(SettingsChange, Settings),
};

/** Events the back end pushes to every connected UI. */
export const events = {
  /** How a session being created is getting on: pulling, waiting for GPUs (with its place), starting. */
  'sessions.progress': SessionProgress,
  /** A node's connection state or inventory changed. */
  'nodes.changed': NodeSummary,
  /** An open terminal lost its node's connection and waits for it, or is live again. */
  'terminals.status': TerminalStatus,
  /** Something worth a desktop notification, for the window to show (browser mode; the desktop app shows its own). */
  'notifications.show': DesktopNotification,
  /** The open port forwards, after one opened or closed. */
  'forwards.changed': z.object({ forwards: z.array(PortForward) }),
  /** An image job started, moved on or ended. */
  'images.job': ImageJob,
  /** New output of an image job (a build's log). */
  'images.output': JobOutput,
  /** The settings changed (in this window or another). */
  'settings.changed': Settings,
};

export type Calls = typeof calls;
export type Method = keyof Calls;
export type Params<M extends Method> = z.input<Calls[M]['params']>;
export type ParsedParams<M extends Method> = z.output<Calls[M]['params']>;
export type Result<M extends Method> = z.output<Calls[M]['result']>;
export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;
