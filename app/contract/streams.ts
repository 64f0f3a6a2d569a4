import { z } from 'zod';

/**
 * Byte streams (terminal output, build logs, pull progress) flow with acknowledgements:
 * the consumer acknowledges bytes once it has processed them (for xterm.js, in its write
 * callback), and the producer pauses its source while more than HIGH_WATER bytes are
 * unacknowledged, resuming below LOW_WATER. The watermarks follow xterm.js's flow-control guide.
 */
export const STREAM_HIGH_WATER = 512 * 1024;
export const STREAM_LOW_WATER = 128 * 1024;
/** The consumer acknowledges in batches of at least this many bytes (or at the end), to keep acks cheap. */
export const STREAM_ACK_EVERY = 32 * 1024;

export const StreamId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a stream id is 1 to 64 letters, digits, _ or -');
export type StreamId = z.infer<typeof StreamId>;

/** What a call that opens a stream returns. */
export const StreamRef = z.object({ stream: StreamId });
export type StreamRef = z.infer<typeof StreamRef>;
