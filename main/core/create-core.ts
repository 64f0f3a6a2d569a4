import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { calls } from '../../app/contract';
import type { AppInfo, DesktopNotification, EventName } from '../../app/contract';
import { configDir } from '../config/config-dir';
import { configureLog, log } from '../log/log';
import { checkKeyFile, listKeyFiles } from '../nodes/key-files';
import { Dispatcher } from '../rpc/dispatcher';
import type { EventFeed } from '../rpc/dispatcher';
import { BookmarkStore } from '../nodes/bookmark-store';
import { HostKeys } from '../nodes/host-keys';
import { localDockerSocket } from '../nodes/local-docker';
import { NodeManager } from '../nodes/node-manager';
import { MemorySecrets } from '../nodes/secrets';
import type { Secrets } from '../nodes/secrets';
import { importSshConfig } from '../nodes/ssh-config-import';
import { GitService } from '../git/git-service';
import { ImageJobs } from '../images/image-jobs';
import { ImageService } from '../images/image-service';
import { Library } from '../library/library';
import { NotificationCenter } from '../notifications/notification-center';
import type { Notifier } from '../notifications/notification-center';
import { HistoryStore } from '../sessions/history-store';
import { PortForwards } from '../sessions/port-forwards';
import { SessionManager } from '../sessions/session-manager';
import { TabStore } from '../sessions/tab-store';
import { Terminals } from '../sessions/terminals';
import { SettingsStore } from '../settings/settings-store';
import { version } from './version';

export interface CoreOptions {
  mode: AppInfo['mode'];
  env?: NodeJS.ProcessEnv;
  /** The desktop app passes its keychain-backed store; elsewhere secrets last for the run. */
  secrets?: Secrets;
  /** The user's own known_hosts; tests point it elsewhere. */
  userKnownHosts?: string;
  readyTimeoutMs?: number;
  /** How long an ended session's container stays on its node; 10 minutes unless a test says otherwise. */
  endedRetentionMs?: number;
  /** Where desktop notifications go; without one they go to the connected windows as events. */
  notifier?: Notifier;
}

export interface Core {
  dispatcher: Dispatcher<typeof calls>;
  events: EventFeed;
  nodes: NodeManager;
  sessions: SessionManager;
  /** Lets go of terminals (hanging up their exec processes) and closes every node connection. */
  close(): Promise<void>;
}

/** Wires every capability into the one dispatcher that all transports share. */
export function createCore(options: CoreOptions): Core {
  const env = options.env ?? process.env;
  const dir = configDir(env);
  configureLog({ file: join(dir, 'berth.log') });
  log.info('core', `Berth ${version} starting (${options.mode})`);
  const secrets = options.secrets ?? new MemorySecrets();
  const nodes = new NodeManager({
    store: new BookmarkStore(dir),
    hostKeys: new HostKeys(join(dir, 'known_hosts'), options.userKnownHosts),
    secrets,
    localSocket: localDockerSocket(env),
    ...(options.readyTimeoutMs ? { readyTimeoutMs: options.readyTimeoutMs } : {}),
  });

  const settings = new SettingsStore(dir);
  const library = new Library(settings, secrets);
  const sessions = new SessionManager(nodes, new HistoryStore(dir), () => library.access(), options.endedRetentionMs);
  const terminals = new Terminals(sessions);
  const forwards = new PortForwards(sessions, nodes, options.mode !== 'cli');
  const tabs = new TabStore(dir);
  const jobs = new ImageJobs();
  const images = new ImageService(nodes, jobs, library);
  const git = new GitService(nodes, settings, secrets);
  const windows = new EventEmitter<{ notify: [DesktopNotification] }>();
  new NotificationCenter(settings, options.notifier ?? { show: (notification) => windows.emit('notify', notification) }, sessions, nodes, jobs);

  const dispatcher = new Dispatcher(calls, {
    'app.info': () => Promise.resolve({ version, mode: options.mode, configDir: dir }),
    'nodes.list': () => nodes.list(),
    'nodes.connect': ({ name }) => nodes.connect(name),
    'nodes.show': ({ name }) => nodes.show(name),
    'nodes.doctor': ({ name }) => nodes.doctor(name),
    'nodes.keyFiles': () => listKeyFiles(),
    'nodes.checkKeyFile': ({ path }) => checkKeyFile(path),
    'nodes.add': ({ bookmark }) => nodes.add(bookmark),
    'nodes.update': ({ name, bookmark }) => nodes.update(name, bookmark),
    'nodes.remove': async ({ name }) => (await nodes.remove(name), {}),
    'nodes.provideSecret': ({ name, kind, value, remember }) => nodes.provideSecret(name, kind, value, remember),
    'nodes.trustHostKey': ({ name, fingerprint, remember }) => nodes.trustHostKey(name, fingerprint, remember),
    'nodes.sshConfigHosts': ({ file }) => importSshConfig(file),
    'sessions.create': async (spec, ctx) => {
      const session = await sessions.create(spec, ctx.signal);
      // Declared ports are forwarded as soon as it runs; one that cannot be is said, and the session stays.
      for (const port of spec.ports) {
        await forwards.start(session.id, port).catch((error: unknown) => {
          if (spec.requestId)
            sessions.emit('progress', {
              requestId: spec.requestId,
              stage: 'starting',
              message: `Port ${port} was not forwarded: ${(error as Error).message}`,
            });
        });
      }
      return session;
    },
    'sessions.list': ({ node, everyone }) => sessions.list({ node, everyone }),
    'sessions.describe': ({ id }) => sessions.describe(id),
    'sessions.stop': ({ id, force }) => sessions.stop(id, force),
    'sessions.history': () => sessions.history(),
    'sessions.availability': ({ name }) => sessions.availability(name),
    'forwards.open': ({ session, port, localPort }) => forwards.start(session, port, localPort),
    'forwards.list': () => Promise.resolve({ forwards: forwards.list() }),
    'forwards.close': ({ id }) => (forwards.stop(id), Promise.resolve({})),
    'terminals.open': ({ session, kind, command, cols, rows, force }, ctx) =>
      terminals.start({ session, kind, command, cols, rows, force }, (source) => ctx.openStream(source)),
    'terminals.input': ({ terminal, data }) => (terminals.input(terminal, data), Promise.resolve({})),
    'terminals.resize': async ({ terminal, cols, rows }) => (await terminals.resize(terminal, cols, rows), {}),
    'terminals.exit': ({ terminal }) => terminals.exit(terminal),
    'terminals.remembered': async () => ({ tabs: await tabs.all() }),
    'terminals.remember': async ({ tabs: open }) => (await tabs.replace(open), {}),
    'images.list': async ({ node }) => ({ images: await images.list(node) }),
    'images.remove': async ({ node, image }) => (await images.remove(node, image), {}),
    'images.context': ({ paths, dockerignore, dockerfile }) => Promise.resolve({ included: images.context(paths, dockerignore, dockerfile) }),
    'images.build': (spec, ctx) => images.build(spec, ctx.signal),
    'images.upload': async ({ job, data }) => (await images.upload(job, data), {}),
    'images.pull': ({ node, image, job }) => images.pull(node, image, job),
    'images.push': (options) => images.push(options),
    'images.copy': ({ image, from, to, job }) => images.copy(image, from, to, job),
    'images.jobs': () => Promise.resolve({ jobs: jobs.list() }),
    'images.cancel': ({ job }) => (jobs.cancel(job), Promise.resolve({})),
    'images.dismiss': ({ job }) => (jobs.dismiss(job), Promise.resolve({})),
    'library.list': () => library.list(),
    'library.set': (change) => library.set(change),
    'git.setToken': ({ host, username, token }) => git.setToken(host, username, token),
    'git.removeToken': async ({ host }) => (await git.removeToken(host), {}),
    'git.status': ({ node }) => git.status(node),
    'git.setup': ({ node, hosts }) => git.setup(node, hosts),
    'git.remove': ({ node }) => git.remove(node),
    'settings.get': () => settings.get(),
    'settings.update': (change) => settings.update(change),
  });

  // Which capability's event reaches the windows under which name (and in which shape).
  const relays: [source: EventEmitter, event: string, name: EventName, shape?: (payload: unknown) => unknown][] = [
    [nodes, 'changed', 'nodes.changed'],
    [sessions, 'progress', 'sessions.progress'],
    [terminals, 'status', 'terminals.status'],
    [settings, 'changed', 'settings.changed'],
    [jobs, 'job', 'images.job'],
    [jobs, 'output', 'images.output'],
    [forwards, 'changed', 'forwards.changed', (list) => ({ forwards: list })],
    [windows, 'notify', 'notifications.show'],
  ];
  const events: EventFeed = {
    subscribe(listener) {
      const stops = relays.map(([source, event, name, shape]) => {
        const relay = (payload: unknown): void => listener(name, shape ? shape(payload) : payload);
        source.on(event, relay);
        return () => source.off(event, relay);
      });
      return () => stops.forEach((stop) => stop());
    },
  };

  return {
    dispatcher,
    events,
    nodes,
    sessions,
    close: async () => {
      jobs.close();
      forwards.close();
      await terminals.close();
      nodes.close();
    },
  };
}
