import { clearBedDir, newBedDir } from './bed-dirs';
import { startDockerd } from './dockerd';

export interface TestBed {
  dir: string;
  /** The Docker socket that stands for "this computer" in tests. */
  localDockerSocket: string;
  stop(): Promise<void>;
}

/** Starts what the tests need and returns how to stop it all again. */
export async function startBed(): Promise<TestBed> {
  const dir = newBedDir();
  try {
    const dockerd = await startDockerd(`${dir}/local`);
    return {
      dir,
      localDockerSocket: dockerd.socket,
      async stop() {
        await dockerd.stop();
        clearBedDir(dir);
      },
    };
  } catch (error) {
    clearBedDir(dir);
    throw error;
  }
}
