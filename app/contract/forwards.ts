import { z } from 'zod';

/** A port of a session reachable at 127.0.0.1 on this computer, through the node's SSH connection. */
export const PortForward = z.object({
  id: z.string(),
  session: z.string(),
  sessionName: z.string(),
  node: z.string(),
  /** The port inside the session. */
  port: z.number().int(),
  localPort: z.number().int(),
  url: z.string(),
  /** Said when the asked-for local port was in use and the next free one was taken. */
  note: z.string().optional(),
});
export type PortForward = z.output<typeof PortForward>;
