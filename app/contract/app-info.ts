import { z } from 'zod';

export const AppInfo = z.object({
  version: z.string(),
  /** Which shell is showing the UI: the desktop app, or a browser on `berth serve`. */
  mode: z.enum(['electron', 'browser', 'cli']),
  configDir: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;
