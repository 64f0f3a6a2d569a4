import { EventEmitter } from 'node:events';
import { ulid } from 'ulid';
import { BerthError } from '../../app/contract';
import type { ImageJob, JobOutput } from '../../app/contract';

/** Output kept per job: a build's whole log is rarely more, and a runaway one keeps its end. */
const MAX_LOG_CHARS = 1024 * 1024;

/** A job while it runs: what its work updates. */
export interface JobHandle {
  readonly id: string;
  readonly signal: AbortSignal;
  update(change: Partial<Pick<ImageJob, 'phase' | 'transfer' | 'step' | 'layers' | 'image' | 'error'>>): void;
  log(text: string): void;
}

interface Entry {
  job: ImageJob;
  log: string;
  abort: AbortController;
}

/**
 * Builds, pulls, pushes and copies in progress or finished, until dismissed. Every change goes
 * out as an event, so each window's panels follow the same jobs.
 */
export class ImageJobs extends EventEmitter<{ job: [ImageJob]; output: [JobOutput] }> {
  private readonly entries = new Map<string, Entry>();

  /** Runs `work` as a job; resolves with the job as it ended (failed and cancelled jobs resolve too). */
  async run(
    start: Pick<ImageJob, 'kind' | 'node' | 'title'> & { to?: string | undefined; id?: string | undefined },
    work: (job: JobHandle) => Promise<void>,
  ): Promise<ImageJob> {
    const id = start.id ?? ulid();
    if (this.entries.get(id)?.job.state === 'running') throw new BerthError('invalid-params', `A job ${id} is already running.`);
    const job: ImageJob = {
      id,
      kind: start.kind,
      node: start.node,
      ...(start.to ? { to: start.to } : {}),
      title: start.title,
      state: 'running',
      phase: 'Starting…',
      layers: [],
      startedAt: new Date().toISOString(),
    };
    const entry: Entry = { job, log: '', abort: new AbortController() };
    this.entries.set(id, entry);
    this.emit('job', job);
    const handle: JobHandle = {
      id,
      signal: entry.abort.signal,
      update: (change) => {
        if (entry.job.state !== 'running') return;
        entry.job = { ...entry.job, ...change };
        this.emit('job', entry.job);
      },
      log: (text) => {
        if (text === '') return;
        entry.log = (entry.log + text).slice(-MAX_LOG_CHARS);
        this.emit('output', { job: id, text });
      },
    };
    try {
      await work(handle);
      this.end(entry, { state: 'done', phase: 'Done' });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (entry.abort.signal.aborted) this.end(entry, { state: 'cancelled', phase: 'Cancelled' });
      else this.end(entry, { state: 'failed', phase: 'Failed', error: entry.job.error ?? message });
    }
    return entry.job;
  }

  /** Stops a running job; the work sees its signal aborted and stops on the node. */
  cancel(id: string): void {
    const entry = this.get(id);
    if (entry.job.state === 'running') entry.abort.abort(new BerthError('cancelled', `${entry.job.title}: cancelled.`));
  }

  /** Forgets a finished job and its log. */
  dismiss(id: string): void {
    const entry = this.get(id);
    if (entry.job.state === 'running') throw new BerthError('invalid-params', `${entry.job.title} is still running: cancel it first.`);
    this.entries.delete(id);
  }

  list(): (ImageJob & { log: string })[] {
    return [...this.entries.values()].map(({ job, log }) => ({ ...job, log }));
  }

  isRunning(id: string): boolean {
    return this.entries.get(id)?.job.state === 'running';
  }

  /** Cancels whatever still runs: Berth is quitting. */
  close(): void {
    for (const id of this.entries.keys()) this.cancel(id);
  }

  private get(id: string): Entry {
    const entry = this.entries.get(id);
    if (!entry) throw new BerthError('not-found', `There is no image job ${id}; it may have been dismissed.`);
    return entry;
  }

  private end(entry: Entry, change: Partial<ImageJob>): void {
    entry.job = { ...entry.job, ...change, endedAt: new Date().toISOString() };
    this.emit('job', entry.job);
  }
}
