import { z } from 'zod';
import type { ErrorData } from './errors';
import { StreamId } from './streams';

/** Messages travel as plain objects over Electron IPC and as JSON or binary frames over the WebSocket. */
const CallId = z.number().int().nonnegative();

export const ClientMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: CallId, method: z.string(), params: z.unknown() }),
  z.object({ t: z.literal('cancel'), id: CallId }),
  z.object({ t: z.literal('ack'), stream: StreamId, bytes: z.number().int().positive() }),
  z.object({ t: z.literal('close'), stream: StreamId }),
]);
export type ClientMessage = z.infer<typeof ClientMessage>;

export type ServerMessage =
  | { t: 'result'; id: number | null; ok: true; value: unknown }
  | { t: 'result'; id: number | null; ok: false; error: ErrorData }
  | { t: 'event'; name: string; payload: unknown }
  | { t: 'data'; stream: StreamId; data: Uint8Array }
  | { t: 'end'; stream: StreamId; error?: ErrorData };

export type ResultMessage = Extract<ServerMessage, { t: 'result' }>;
