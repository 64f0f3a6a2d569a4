import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';

/** No registry is reachable: the test image is Debian's static busybox in an image built FROM scratch. */
export const BASE_IMAGE = 'berth-test/busybox:latest';

export async function buildBaseImage(docker: Docker): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'berth-base-'));
  try {
    copyFileSync('/bin/busybox', join(context, 'busybox'));
    writeFileSync(
      join(context, 'Dockerfile'),
      ['FROM scratch', 'COPY busybox /bin/busybox', 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', 'CMD ["/bin/sh"]', ''].join('\n'),
    );
    const stream = await docker.buildImage({ context, src: ['Dockerfile', 'busybox'] }, { t: BASE_IMAGE, networkmode: 'none', rm: true });
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (error: Error | null, output: { error?: string }[]) => {
        const failed = output.find((line) => line.error);
        if (error || failed) reject(error ?? new Error(`building ${BASE_IMAGE} failed: ${failed?.error}`));
        else resolve();
      }),
    );
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}
