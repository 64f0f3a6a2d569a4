import type { LayerProgress } from '../../app/contract';
import type { DockerProgress } from './docker-progress';
import type { JobHandle } from './image-jobs';

const UPDATE_EVERY_MS = 100;

/**
 * Per-layer progress as `docker pull` and `docker push` draw it, from Docker's JSON lines; `onChange`
 * hears at most every 100 ms (and on each layer's change of status), so a fast pull does not flood the UI.
 */
export function layerTracker(onChange: (layers: LayerProgress[]) => void): { line(line: DockerProgress): void; flush(): void } {
  const layers = new Map<string, LayerProgress>();
  let last = 0;
  const flush = (): void => {
    last = Date.now();
    onChange([...layers.values()]);
  };
  return {
    line(line) {
      // Lines without an id ("Pulling from …", "Digest: …") are about the whole image.
      if (!line.id || !line.status || /^(Pulling from|The push refers to)/.test(line.status)) return;
      const before = layers.get(line.id);
      const current =
        line.progressDetail?.current ?? (/complete|already exists|pushed|mounted/i.test(line.status) ? (before?.total ?? 0) : (before?.current ?? 0));
      const total = line.progressDetail?.total ?? before?.total ?? 0;
      layers.set(line.id, { id: line.id, status: line.status, current, total });
      if (before?.status !== line.status || Date.now() - last > UPDATE_EVERY_MS) flush();
    },
    flush,
  };
}

/** A pull's or push's Docker lines into its job: layer bars, and the lines without a byte count into its log. */
export function jobLayers(job: JobHandle): { line(line: DockerProgress): void; flush(): void } {
  const layers = layerTracker((all) => job.update({ layers: all }));
  return {
    line(line) {
      layers.line(line);
      if (line.status && !line.progressDetail?.total) job.log(`${line.id ? `${line.id}: ` : ''}${line.status}\n`);
    },
    flush: () => layers.flush(),
  };
}
