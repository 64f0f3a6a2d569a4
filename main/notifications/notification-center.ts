import type { DesktopNotification, ImageJob } from '../../app/contract';
import type { ImageJobs } from '../images/image-jobs';
import type { NodeManager } from '../nodes/node-manager';
import type { SessionManager } from '../sessions/session-manager';
import type { SettingsStore } from '../settings/settings-store';

/** Where notifications go: the desktop's own (Electron), the browser's (browser mode), or a test's record. */
export interface Notifier {
  show(notification: DesktopNotification): void;
}

/**
 * Decides what is worth a desktop notification: a queued session that started, a session of mine
 * that ended by itself, a build that finished or failed; each as the settings allow.
 */
export class NotificationCenter {
  constructor(
    private readonly settings: SettingsStore,
    private readonly notifier: Notifier,
    sessions: SessionManager,
    nodes: NodeManager,
    jobs: ImageJobs,
  ) {
    sessions.on('startedAfterWait', (session) => {
      const gpus = session.gpuIndexes.length ? ` with GPU ${session.gpuIndexes.join(', ')}` : '';
      void this.show('sessionStarted', {
        kind: 'session-started',
        title: `${session.name} started`,
        body: `On ${session.node}${gpus}, after waiting in the queue.`,
      });
    });
    nodes.on('session', (event) => {
      if (event.action !== 'die' || event.owner !== event.user || sessions.isStopping(event.session)) return;
      const code = event.exitCode === undefined ? '' : ` with exit code ${event.exitCode}`;
      void this.show('sessionEnded', {
        kind: 'session-ended',
        title: `${event.name} ended`,
        body: `Its main process on ${event.node} exited${code}.`,
      });
    });
    jobs.on('job', (job) => {
      if (job.kind !== 'build' || (job.state !== 'done' && job.state !== 'failed')) return;
      void this.show('buildFinished', buildNotification(job));
    });
  }

  private async show(setting: 'sessionStarted' | 'sessionEnded' | 'buildFinished', notification: DesktopNotification): Promise<void> {
    const { notifications } = await this.settings.get();
    if (notifications[setting]) this.notifier.show(notification);
  }
}

function buildNotification(job: ImageJob): DesktopNotification {
  return job.state === 'done'
    ? { kind: 'build-finished', title: `Built ${job.title}`, body: `On ${job.node}.` }
    : { kind: 'build-finished', title: `The build of ${job.title} failed`, body: `On ${job.node}: ${job.error ?? 'see its log'}` };
}
