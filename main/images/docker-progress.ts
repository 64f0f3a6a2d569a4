import type { Readable } from 'node:stream';
import type Docker from 'dockerode';

/** One line of the JSON progress Docker streams for builds, pulls, pushes and loads. */
export interface DockerProgress {
  stream?: string;
  status?: string;
  id?: string;
  progress?: string;
  progressDetail?: { current?: number; total?: number };
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Follows Docker's progress stream to its end; rejects with Docker's own error line if there is one. */
export function followProgress(docker: Docker, stream: Readable, onLine: (line: DockerProgress) => void): Promise<void> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(
      stream,
      (error: Error | null, output: DockerProgress[]) => {
        const failed = output.find((line) => line.error);
        if (failed) reject(new Error(failed.errorDetail?.message ?? failed.error));
        else if (error) reject(error);
        else resolve();
      },
      onLine,
    ),
  );
}

/** What Docker said when a request failed: its JSON message when it sent one. */
export function dockerMessage(error: unknown): string {
  const json = (error as { json?: { message?: string } | string | null }).json;
  if (json && typeof json === 'object' && json.message) return json.message;
  if (typeof json === 'string' && json.trim()) return json.trim();
  return error instanceof Error ? error.message : String(error);
}
