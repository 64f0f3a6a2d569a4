import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { BerthError } from '../../app/contract';
import { dockerfileInstructions } from '../../app/domain/dockerfile';
import type { Context } from './build-context';
import { packContext } from './build-context';
import { dockerMessage, followProgress } from './docker-progress';
import type { JobHandle } from './image-jobs';

export interface BuildOptions {
  tag: string;
  target: string;
  buildArgs: string[];
  /** Logins for registries a FROM line may pull from (the library's). */
  registryConfig?: Record<string, { username: string; password: string }>;
}

const PROGRESS_EVERY_MS = 100;

/**
 * Builds on the node with Docker's classic builder, whose "Step k/n" lines the panel follows. The
 * context streams to the daemon as it is packed; cancelling aborts the request, and Docker then
 * stops the step in progress and removes its container.
 */
export async function buildImage(docker: Docker, context: Context, options: BuildOptions, job: JobHandle): Promise<void> {
  let dockerfileText = '';
  const entries = context.entries.map((entry) =>
    entry.path === context.dockerfile
      ? {
          ...entry,
          // Keep the Dockerfile's text as it goes by, to name the line of a failing step.
          read: async function* () {
            for await (const chunk of entry.read()) {
              dockerfileText += Buffer.from(chunk).toString('utf8');
              yield chunk;
            }
          },
        }
      : entry,
  );

  let sent = 0;
  let reported = 0;
  const report = (): void => {
    reported = Date.now();
    job.update({ transfer: { done: sent, total: context.bytes } });
  };
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sent += chunk.byteLength;
      if (Date.now() - reported > PROGRESS_EVERY_MS) report();
      done(null, chunk);
    },
  });
  const tar: Readable = packContext(entries);
  tar.on('error', (error) => counter.destroy(error));
  tar.pipe(counter);

  job.update({ phase: 'Sending the build context…', transfer: { done: 0, total: context.bytes } });
  const buildargs = Object.fromEntries(
    options.buildArgs.map((arg) => {
      const at = arg.indexOf('=');
      return [arg.slice(0, at), arg.slice(at + 1)];
    }),
  );
  let stream: Readable;
  try {
    stream = (await docker.buildImage(counter, {
      t: options.tag,
      dockerfile: context.dockerfile,
      ...(options.target ? { target: options.target } : {}),
      ...(options.buildArgs.length > 0 ? { buildargs } : {}),
      ...(options.registryConfig ? { registryconfig: options.registryConfig } : {}),
      rm: true,
      forcerm: true,
      abortSignal: job.signal,
    })) as Readable;
  } catch (error) {
    tar.destroy();
    if (job.signal.aborted) throw error;
    throw new BerthError('unavailable', `The node refused the build: ${dockerMessage(error)}.`);
  }
  report();
  job.update({ phase: 'Building…' });

  let failedStep: { index: number; count: number; text: string } | undefined;
  try {
    await followProgress(docker, stream, (line) => {
      if (line.stream) {
        job.log(line.stream);
        const step = /^Step (\d+)\/(\d+) : (.*)$/m.exec(line.stream);
        if (step) {
          failedStep = { index: Number(step[1]), count: Number(step[2]), text: step[3] ?? '' };
          job.update({ step: failedStep, phase: `Step ${step[1]} of ${step[2]}` });
        }
      }
      if (line.status) job.log(`${line.id ? `${line.id}: ` : ''}${line.status}${line.progress ? ` ${line.progress}` : ''}\n`);
      if (line.aux?.ID) job.update({ image: line.aux.ID });
      if (line.error) job.log(`${line.errorDetail?.message ?? line.error}\n`);
    });
  } catch (error) {
    if (job.signal.aborted) throw error;
    const message = dockerMessage(error);
    const line = failedStep ? dockerfileInstructions(dockerfileText)[failedStep.index - 1] : undefined;
    const where = failedStep
      ? `Step ${failedStep.index}/${failedStep.count}${line ? ` (${context.dockerfile} line ${line.line}: ${line.text})` : ` (${failedStep.text})`} failed: `
      : '';
    const error2 = `${where}${message}`;
    job.update({ error: error2 });
    throw new BerthError('unavailable', error2);
  }
}
