import { z } from 'zod';

/** What Berth tells the desktop about, each of which the settings can switch off. */
export const DesktopNotification = z.object({
  kind: z.enum(['session-started', 'session-ended', 'build-finished']),
  title: z.string(),
  body: z.string(),
});
export type DesktopNotification = z.output<typeof DesktopNotification>;
