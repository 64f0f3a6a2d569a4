import type { Readable } from 'node:stream';
import { STREAM_HIGH_WATER, STREAM_LOW_WATER } from '../../app/contract';
import type { ErrorData, ServerMessage } from '../../app/contract';
import { traceHop } from './latency-trace';

/** The most one data message carries. */
const MAX_FRAME = 256 * 1024;

/**
 * Moves one source's bytes to one consumer, pausing the source while the consumer has more than
 * HIGH_WATER bytes unacknowledged. Pausing the source is what slows the far end: for an SSH
 * channel, a paused stream stops reading, the channel's window closes, and the node waits.
 */
export class StreamSender {
  private unacked = 0;
  private finished = false;
  /** Paused by the transport (its client is not reading), whatever the acknowledgements say. */
  private held = false;
  private batch: Buffer[] = [];
  private batchBytes = 0;

  constructor(
    readonly id: string,
    private readonly source: Readable,
    private readonly send: (message: ServerMessage) => void,
    private readonly onFinish: () => void,
  ) {}

  /** Starts the flow; called once the consumer knows the stream's id. */
  start(): void {
    this.source.on('data', (chunk: Buffer | string) => {
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      this.unacked += data.byteLength;
      traceHop('echo', this.id);
      this.batch.push(data);
      this.batchBytes += data.byteLength;
      if (this.batchBytes >= MAX_FRAME) this.flush();
      else if (this.batch.length === 1) queueMicrotask(() => this.flush());
      if (this.unacked >= STREAM_HIGH_WATER || this.held) this.source.pause();
    });
    this.source.once('end', () => this.finish());
    this.source.once('error', (error: Error) => this.finish({ code: 'unavailable', message: error.message }));
    this.source.once('close', () => this.finish());
  }

  /**
   * Sends what came in since the last frame as one: an SSH connection's packets (a TTY hands over
   * at most 4 KiB a read) arrive many to a socket read, and one frame each would cost the page a
   * message event per 4 KiB. Flushed once the current callback is done, so an echo waits for nothing.
   */
  private flush(): void {
    if (this.batch.length === 0 || this.finished) return;
    const data = this.batch.length === 1 ? (this.batch[0] as Buffer) : Buffer.concat(this.batch, this.batchBytes);
    this.batch = [];
    this.batchBytes = 0;
    this.send({ t: 'data', stream: this.id, data });
    traceHop('ws', this.id);
  }

  get unacknowledged(): number {
    return this.unacked;
  }

  ack(bytes: number): void {
    this.unacked = Math.max(0, this.unacked - bytes);
    this.resumeIfDue();
  }

  /** The transport asks to stop reading the source while its client catches up (on), or lets it go on (off). */
  hold(on: boolean): void {
    this.held = on;
    if (on) this.source.pause();
    else this.resumeIfDue();
  }

  private resumeIfDue(): void {
    if (this.source.isPaused() && this.unacked <= STREAM_LOW_WATER && !this.held && !this.finished) this.source.resume();
  }

  /** The consumer went away or closed the stream: stop reading and let the source clean up. */
  destroy(): void {
    this.finished = true;
    this.source.destroy();
    this.onFinish();
  }

  private finish(error?: ErrorData): void {
    if (this.finished) return;
    this.flush();
    this.finished = true;
    this.send(error ? { t: 'end', stream: this.id, error } : { t: 'end', stream: this.id });
    this.onFinish();
  }
}
