import type { BerthClient } from '../../app/client/berth-client';
import type { ImageJob } from '../../app/contract';

/** Output kept per panel; the core keeps the same bound. */
const MAX_LOG = 1024 * 1024;

/**
 * The image jobs (builds, pulls, pushes, copies) as the core reports them, kept for the whole
 * window so panels survive switching views; a reloaded window reads them back from the core.
 */
export class JobsState {
  jobs = $state<ImageJob[]>([]);
  logs = $state<Record<string, string>>({});
  private waiters: { id: string; resolve: () => void }[] = [];

  constructor(private readonly client: BerthClient) {
    client.on('images.job', (job) => {
      const index = this.jobs.findIndex((j) => j.id === job.id);
      if (index >= 0) this.jobs[index] = job;
      else this.jobs = [job, ...this.jobs];
      for (const waiter of this.waiters.filter((w) => w.id === job.id)) waiter.resolve();
      this.waiters = this.waiters.filter((w) => w.id !== job.id);
    });
    client.on('images.output', ({ job, text }) => {
      this.logs[job] = ((this.logs[job] ?? '') + text).slice(-MAX_LOG);
    });
  }

  async load(): Promise<void> {
    const { jobs } = await this.client.call('images.jobs', {});
    this.jobs = jobs.map(({ log: _log, ...job }) => job).reverse();
    this.logs = Object.fromEntries(jobs.map((job) => [job.id, job.log]));
  }

  /** Resolves once the core has announced job `id`. */
  started(id: string): Promise<void> {
    if (this.jobs.some((job) => job.id === id)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ id, resolve }));
  }

  isRunning(id: string): boolean {
    return this.jobs.some((job) => job.id === id && job.state === 'running');
  }

  cancel(id: string): Promise<unknown> {
    return this.client.call('images.cancel', { job: id });
  }

  async dismiss(id: string): Promise<void> {
    await this.client.call('images.dismiss', { job: id });
    this.jobs = this.jobs.filter((job) => job.id !== id);
    delete this.logs[id];
  }
}
