import type { TestProject } from 'vitest/node';
import { startBed } from '../e2e/testbed/bed';

declare module 'vitest' {
  export interface ProvidedContext {
    localDockerSocket: string;
  }
}

/** Integration tests run against the real test bed (a private dockerd), started once per run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const bed = await startBed();
  project.provide('localDockerSocket', bed.localDockerSocket);
  return () => bed.stop();
}
