import type { BerthClient } from '../../app/client/berth-client';
import type { ImageJob } from '../../app/contract';
import type { DroppedContext } from './dropped-files';
import type { JobsState } from './jobs-state.svelte';

/** Pieces of a file sent per call; each waits until the node takes it, so the window never races ahead. */
const PIECE = 1024 * 1024;

function base64(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(typeof reader.result === 'string' ? reader.result.replace(/^data:[^,]*,/, '') : '');
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(blob);
  });
}

export interface BuildChoices {
  node: string;
  tag: string;
  target: string;
  buildArgs: string[];
}

/**
 * Builds a dropped context on a node: the core is asked which files .dockerignore keeps, the build
 * starts, and the kept files' bytes follow in order, a piece at a time. Resolves when the build ends.
 */
export async function uploadBuild(client: BerthClient, jobs: JobsState, context: DroppedContext, choices: BuildChoices): Promise<ImageJob> {
  const ignoreFile = context.files.find((f) => f.path === '.dockerignore');
  const { included } = await client.call('images.context', {
    paths: context.files.map((f) => f.path),
    dockerignore: ignoreFile ? await ignoreFile.file.text() : '',
    dockerfile: context.dockerfile,
  });
  const kept = new Set(included);
  const files = context.files.filter((f) => kept.has(f.path));
  const id = crypto.randomUUID();
  const build = client.call('images.build', {
    node: choices.node,
    tag: choices.tag,
    target: choices.target,
    buildArgs: choices.buildArgs,
    dockerfile: context.dockerfile,
    job: id,
    source: { kind: 'upload', files: files.map((f) => ({ path: f.path, size: f.file.size, executable: false })) },
  });
  // The build may be refused before it starts (a bad tag, an unreachable node): then nothing is sent.
  const started = await Promise.race([jobs.started(id).then(() => true), build.then(() => false)]);
  if (started) {
    try {
      for (const { file } of files) {
        for (let offset = 0; offset < file.size && jobs.isRunning(id); offset += PIECE) {
          await client.call('images.upload', { job: id, data: await base64(file.slice(offset, offset + PIECE)) });
        }
      }
    } catch {
      // The build ended (failed or was cancelled) while sending; its panel says why.
    }
  }
  return build;
}
