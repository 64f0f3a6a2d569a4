import { Readable, Transform } from 'node:stream';
import { BerthError, ImageTag } from '../../app/contract';
import type { ImageJob, NodeImage } from '../../app/contract';
import type { z } from 'zod';
import type { BuildSpec as BuildSpecSchema, UploadFile as UploadFileSchema } from '../../app/contract';
import { parseDockerRef } from '../../app/domain/image-ref';
import type { NodeManager } from '../nodes/node-manager';
import { contextFilter, folderContext, tarSize } from './build-context';
import type { Context } from './build-context';
import { buildImage } from './build-image';
import { dockerMessage, followProgress } from './docker-progress';
import type { ImageJobs, JobHandle } from './image-jobs';
import { jobLayers } from './layer-progress';
import { authConfig } from '../library/library';
import type { Library } from '../library/library';
import { listImages, removeImage } from './node-images';
import { pullImage } from './pull-image';
import { resolveImage } from './resolve-image';
import { DESCRIPTION_LABEL } from '../library/registry-client';
import { UploadQueue } from './upload-queue';

type BuildSpec = z.output<typeof BuildSpecSchema>;
type UploadFile = z.output<typeof UploadFileSchema>;

const PROGRESS_EVERY_MS = 100;

function checkTag(tag: string): string {
  const parsed = parseDockerRef(tag);
  if (!parsed.ok || parsed.value.digest) {
    throw new BerthError(
      'invalid-params',
      `"${tag}" is not a valid image tag: ${parsed.ok ? 'a tag cannot hold a digest' : parsed.problem}. Use e.g. myimage:v1.`,
    );
  }
  return tag;
}

/** Images on the nodes and in the team library: builds, pulls, pushes, copies, each followed as a job. */
export class ImageService {
  private readonly uploads = new Map<string, UploadQueue>();

  constructor(
    private readonly nodes: NodeManager,
    private readonly jobs: ImageJobs,
    private readonly library: Library,
  ) {}

  async list(node: string): Promise<NodeImage[]> {
    return listImages(await this.nodes.docker(node));
  }

  async remove(node: string, image: string): Promise<void> {
    await removeImage(await this.nodes.docker(node), node, image);
  }

  /** Which of a dropped folder's files Docker would be sent, by its .dockerignore. */
  context(paths: string[], dockerignore: string, dockerfile: string): string[] {
    const filter = contextFilter(dockerignore, dockerfile);
    return paths.filter((path) => filter.includes(path));
  }

  /** Builds; resolves with the job once it ends. The caller going away while its upload is unsent cancels it. */
  async build(spec: BuildSpec, signal: AbortSignal): Promise<ImageJob> {
    checkTag(spec.tag);
    // Local problems (no Dockerfile, unreadable files) are reported before the node is touched.
    const upload = spec.source.kind === 'upload' ? uploadContext(spec.source.files, spec.dockerfile) : null;
    const context = spec.source.kind === 'path' ? await folderContext(spec.source.path, spec.dockerfile) : upload?.context;
    if (!context) throw new Error('a build has a path or an upload');
    const docker = await this.nodes.docker(spec.node);
    const registryConfig = await this.library.access().then(
      (access) => (access.login ? { [access.host]: access.login } : undefined),
      () => undefined,
    );
    return this.jobs.run({ kind: 'build', node: spec.node, title: spec.tag, id: spec.job }, async (job) => {
      const queue = upload ? this.receive(job, upload.queue, signal) : null;
      try {
        await buildImage(
          docker,
          context,
          { tag: spec.tag, target: spec.target, buildArgs: spec.buildArgs, ...(registryConfig ? { registryConfig } : {}) },
          job,
        );
      } finally {
        if (queue) {
          queue.fail(new BerthError('cancelled', 'The build ended.'));
          this.uploads.delete(job.id);
        }
      }
    });
  }

  /** A piece of an upload build's context, in the order its files were listed. */
  async upload(job: string, data: string): Promise<void> {
    const queue = this.uploads.get(job);
    if (!queue) throw new BerthError('not-found', `The build ${job} is not waiting for its context: it ended, or was never started.`);
    await queue.push(Buffer.from(data, 'base64'));
  }

  /** Pulls a Docker reference, or beaker://NAME[:TAG] from the library, with the library's login when it is the library's. */
  async pull(node: string, image: string, id?: string): Promise<ImageJob> {
    const { ref, auth } = await resolveImage(image, () => this.library.access());
    const docker = await this.nodes.docker(node);
    return this.jobs.run({ kind: 'pull', node, title: ref, id }, async (job) => {
      job.update({ phase: `Pulling ${ref}…` });
      const layers = jobLayers(job);
      await pullImage(docker, ref, auth, job.signal, (line) => layers.line(line));
      layers.flush();
      job.update({ image: ref });
    });
  }

  /**
   * Saves a node's image to the library as NAME:TAG with a description. The description becomes an
   * image label (so every registry and user sees it), added by a one-line build on the node whose
   * text arrives as a build argument, never pasted into the Dockerfile.
   */
  async push(options: { node: string; image: string; name: string; tag: string; description: string; job?: string | undefined }): Promise<ImageJob> {
    const tag = ImageTag.safeParse(options.tag);
    if (!tag.success)
      throw new BerthError('invalid-params', `"${options.tag}" is not a valid tag: ${tag.error.issues[0]?.message ?? 'see docker tag'}.`);
    const access = await this.library.access();
    const target = checkTag(`${access.host}/${options.name}:${options.tag}`);
    const docker = await this.nodes.docker(options.node);
    const source = await docker
      .getImage(options.image)
      .inspect()
      .catch(() => null);
    if (!source)
      throw new BerthError(
        'not-found',
        `${options.node} has no image ${options.image}. \`berth image list --node ${options.node}\` shows what it has.`,
      );
    return this.jobs.run({ kind: 'push', node: options.node, title: `beaker://${options.name}:${options.tag}`, id: options.job }, async (job) => {
      job.update({ phase: 'Adding the description…' });
      const dockerfile = Buffer.from(`FROM ${source.Id}\nARG BERTH_DESCRIPTION\nLABEL ${DESCRIPTION_LABEL}="\${BERTH_DESCRIPTION}"\n`);
      const labelled: Context = {
        entries: [{ path: 'Dockerfile', type: 'file', size: dockerfile.byteLength, mode: 0o644, read: () => Readable.from([dockerfile]) }],
        bytes: tarSize([{ path: 'Dockerfile', size: dockerfile.byteLength, type: 'file' }]),
        dockerfile: 'Dockerfile',
        ignored: 0,
      };
      await buildImage(docker, labelled, { tag: target, target: '', buildArgs: [`BERTH_DESCRIPTION=${options.description}`] }, quiet(job));
      job.update({ phase: `Pushing to ${access.host}…`, step: undefined });
      const layers = jobLayers(job);
      try {
        const stream = (await docker.getImage(target).push({ abortSignal: job.signal, authconfig: authConfig(access) })) as Readable;
        await followProgress(docker, stream, (line) => layers.line(line));
      } catch (error) {
        if (job.signal.aborted) throw error;
        const message = dockerMessage(error);
        throw new BerthError(
          'unavailable',
          `Pushing to the library failed: ${message}.${/unauthorized|authentication|denied/i.test(message) ? ' The library refused the login: check the username and password in Settings.' : ''}`,
        );
      }
      layers.flush();
      job.update({ image: `beaker://${options.name}:${options.tag}` });
    });
  }

  /** `docker save` on one node streamed into `docker load` on the other, through this computer. */
  async copy(image: string, from: string, to: string, id?: string): Promise<ImageJob> {
    if (from === to) throw new BerthError('invalid-params', `${image} is on ${from} already: pick another node to copy it to.`);
    const [source, target] = await Promise.all([this.nodes.docker(from), this.nodes.docker(to)]);
    const inspected = await source
      .getImage(image)
      .inspect()
      .catch(() => null);
    if (!inspected) throw new BerthError('not-found', `${from} has no image ${image}. \`berth image list --node ${from}\` shows what it has.`);
    return this.jobs.run({ kind: 'copy', node: from, to, title: image, id }, async (job) => {
      job.update({ phase: `Copying to ${to}…`, transfer: { done: 0, total: inspected.Size } });
      const saved = (await source.getImage(image).get()) as Readable;
      job.signal.addEventListener('abort', () => saved.destroy(new BerthError('cancelled', 'The copy was cancelled.')), { once: true });
      let done = 0;
      let reported = 0;
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, next) {
          done += chunk.byteLength;
          if (Date.now() - reported > PROGRESS_EVERY_MS) {
            reported = Date.now();
            job.update({ transfer: { done, total: Math.max(done, inspected.Size) } });
          }
          next(null, chunk);
        },
      });
      saved.on('error', (error) => counter.destroy(error));
      saved.pipe(counter);
      try {
        const loaded = (await target.loadImage(counter, { abortSignal: job.signal })) as Readable;
        await followProgress(target, loaded, (line) => {
          if (line.stream) job.log(line.stream);
        });
      } catch (error) {
        saved.destroy();
        if (job.signal.aborted) throw error;
        throw new BerthError('unavailable', `Copying ${image} from ${from} to ${to} failed: ${dockerMessage(error)}.`);
      }
      job.update({ transfer: { done, total: done }, image });
    });
  }

  private receive(job: JobHandle, queue: UploadQueue, signal: AbortSignal): UploadQueue {
    this.uploads.set(job.id, queue);
    const stop = (): void => queue.fail(new BerthError('cancelled', 'The build was cancelled.'));
    job.signal.addEventListener('abort', stop, { once: true });
    // The sender went away before its context was sent: nothing else can send it.
    signal.addEventListener('abort', () => queue.fail(new BerthError('cancelled', 'The window sending the build context went away.')), {
      once: true,
    });
    return queue;
  }
}

/** The context of files a window sends: their bytes arrive through the queue, in the listed order. */
function uploadContext(files: UploadFile[], dockerfile: string): { context: Context; queue: UploadQueue } {
  const bad = files.find((file) => file.path.startsWith('/') || file.path.split('/').includes('..'));
  if (bad) throw new BerthError('invalid-params', `${bad.path} is not a path inside the build context.`);
  if (!files.some((file) => file.path === dockerfile)) {
    throw new BerthError('invalid-params', `There is no ${dockerfile} among the dropped files. Drop a Dockerfile, or a folder holding one.`);
  }
  const queue = new UploadQueue();
  const entries = files.map((file) => ({
    path: file.path,
    type: 'file' as const,
    size: file.size,
    mode: file.executable ? 0o755 : 0o644,
    read: () => queue.take(file.size),
  }));
  return { context: { entries, bytes: tarSize(entries), dockerfile, ignored: 0 }, queue };
}

/** A job handle that keeps the job's step and log for the real work (the label build is a detail). */
function quiet(job: JobHandle): JobHandle {
  return {
    id: job.id,
    signal: job.signal,
    update: (change) => (change.error ? job.update({ error: change.error }) : undefined),
    log: () => undefined,
  };
}
