import { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';

/**
 * A long-running command's channel as a plain duplex stream: what rc files printed before the
 * script's start marker is dropped, so the reader sees only the script's own bytes (Docker's API
 * over dial-stdio, a lock holder's replies). Backpressure goes through to the SSH channel.
 */
export class NodeChannel extends Duplex {
  private started = false;
  private head = '';
  private stderrText = '';
  exitCode: number | null = null;
  /** The node closed the channel (what it sent may still be unread here). */
  nodeClosed = false;

  constructor(
    readonly channel: ClientChannel,
    private readonly marker: string,
  ) {
    super();
    channel.on('data', (chunk: Buffer) => this.onData(chunk));
    channel.stderr.on('data', (chunk: Buffer) => {
      if (this.stderrText.length < 64 * 1024) this.stderrText += chunk.toString('utf8');
    });
    channel.on('exit', (code: number | null) => (this.exitCode = code));
    channel.on('end', () => this.push(null));
    // Destroyed only once what was read from the node has been read here: destroying at once would
    // drop the last bytes of a stream, and could end it before a reader attached (exec, output and
    // close can arrive in one socket read).
    channel.on('close', () => {
      this.nodeClosed = true;
      if (!this.readableEnded) this.push(null);
      if (this.readableEnded) this.destroy();
      else this.once('end', () => this.destroy());
    });
    channel.on('error', (error: Error) => this.destroy(error));
  }

  /** What the command wrote to stderr, rc files' greetings left out where the marker shows them. */
  get stderr(): string {
    const at = this.stderrText.indexOf(`${this.marker}\n`);
    return at < 0 ? this.stderrText : this.stderrText.slice(at + this.marker.length + 1);
  }

  /** What came before the start marker, while it has not come: the login shell's own complaint, if any. */
  get preamble(): string {
    return this.started ? '' : this.head;
  }

  private onData(chunk: Buffer): void {
    if (this.started) {
      if (!this.push(chunk)) this.channel.pause();
      return;
    }
    // The marker is ASCII, so finding it in a latin1 view finds its byte offset too.
    this.head += chunk.toString('latin1');
    const at = this.head.indexOf(`${this.marker}\n`);
    if (at < 0) {
      if (this.head.length > 1024 * 1024) this.head = this.head.slice(-1024);
      return;
    }
    this.started = true;
    this.emit('started');
    const rest = Buffer.from(this.head.slice(at + this.marker.length + 1), 'latin1');
    this.head = '';
    if (rest.length > 0 && !this.push(rest)) this.channel.pause();
  }

  override _read(): void {
    this.channel.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // A heartbeat after the node closed the channel (a laptop waking from sleep) has nowhere to go: it is dropped, not an error.
    if (this.channel.destroyed || !this.channel.writable) return callback();
    if (this.channel.write(chunk)) callback();
    else this.channel.once('drain', () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.channel.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.channel.close();
    callback(error);
  }
}
