import { ulid } from 'ulid';
import type { ImageJob, JobOutput } from '../../app/contract';
import { formatBytes } from '../../app/domain/sizes';
import type { Core } from '../core/create-core';
import { log } from '../log/log';

/**
 * Runs an image job from the CLI: its output to stdout as it comes, its progress to stderr (one
 * line per change of phase or layer status, as `docker pull` does without a TTY), Ctrl+C cancels it
 * on the node. Fails with the job's error when it fails.
 */
export async function runJob(core: Core, start: (job: string) => Promise<ImageJob>): Promise<ImageJob> {
  const id = ulid();
  const said = new Set<string>();
  const say = (line: string): void => {
    if (said.has(line)) return;
    said.add(line);
    process.stderr.write(`${line}\n`);
  };
  const stop = core.events.subscribe((name, payload) => {
    if (name === 'images.output' && (payload as JobOutput).job === id) process.stdout.write((payload as JobOutput).text);
    if (name !== 'images.job' || (payload as ImageJob).id !== id) return;
    const job = payload as ImageJob;
    if (job.state !== 'running') return;
    if (job.transfer && job.transfer.total > 0 && job.transfer.done === job.transfer.total)
      say(`${job.phase.replace(/…$/, '')}: ${formatBytes(job.transfer.total)} sent`);
    if (!job.step) say(job.phase);
    for (const layer of job.layers) say(`${layer.id}: ${layer.status}`);
  });
  const cancel = (): void => {
    process.stderr.write('Cancelling…\n');
    void core.dispatcher
      .call('images.cancel', { job: id }, { signal: new AbortController().signal, openStream: () => ({ stream: 'cli' }) })
      .catch(log.ignored('cli', `cancelling image job ${id}`));
  };
  process.on('SIGINT', cancel);
  try {
    const job = await start(id);
    if (job.state === 'failed') throw new Error(job.error ?? `${job.title} failed.`);
    if (job.state === 'cancelled') throw new Error(`${job.title}: cancelled; nothing is left running on the node.`);
    return job;
  } finally {
    process.off('SIGINT', cancel);
    stop();
  }
}
