import { z } from 'zod';

/**
 * Byte streams (terminal output, build logs, pull progress) flow with acknowledgements:
 * the consumer acknowledges bytes once it has processed them (for xterm.js, in its write
 * callback), and the producer pauses its source while more than HIGH_WATER bytes are
 * unacknowledged, resuming below LOW_WATER. What is in flight when the source resumes (LOW_WATER)
 * must last the consumer for a whole acknowledgement round trip, or it starves: xterm.js parses
 * plain text at 50+ MiB/s, and on a busy machine the round trip (page, berth serve, back) takes
 * tens of milliseconds, so the window is a few MiB, and resuming close below the high mark keeps
 * it full rather than emptying it by half.
 */
export const STREAM_HIGH_WATER = 2 * 1024 * 1024;
export const STREAM_LOW_WATER = 1536 * 1024;
/** The consumer acknowledges in batches of at least this many bytes (or at the end), to keep acks cheap. */
export const STREAM_ACK_EVERY = 32 * 1024;

export const StreamId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a stream id is 1 to 64 letters, digits, _ or -');
export type StreamId = z.infer<typeof StreamId>;

/** What a call that opens a stream returns. */
export const StreamRef = z.object({ stream: StreamId });
export type StreamRef = z.infer<typeof StreamRef>;
