import type { WebSocket } from 'ws';

/** A frame this small, of a stream with nothing waiting, is interactive (an echo, a prompt): it goes at once. */
const INTERACTIVE_FRAME = 4096;
/** Bulk frames are handed to the socket only while it holds less than this unsent, so an echo never waits behind much. */
const SOCKET_LOW = 256 * 1024;
/** Bulk bytes waiting here at which the streams feeding this client are paused (resumed below a quarter of it). */
const HOLD_AT = 1024 * 1024;
/** Unsent bytes (in the socket and here) past which the client has stopped reading: it is dropped. */
export const DROP_AT = 16 * 1024 * 1024;

type Item = Uint8Array | string;

/**
 * What one browser tab is sent, scheduled per stream: JSON messages and small frames of idle
 * streams go straight to the socket; bulk frames wait here while the socket is busy and then go
 * one stream's frame at a time, in turn, so one flooding stream cannot hold up another stream's
 * echo. A client that stops reading first has its streams paused, and is dropped if unsent
 * messages still pile up, so the server's memory stays bounded.
 */
export class ClientOutbox {
  private readonly waiting = new Map<string, Item[]>();
  private queued = 0;
  private holding = false;
  private dropped = false;

  constructor(
    private readonly ws: WebSocket,
    private readonly hold: (on: boolean) => void,
    private readonly onDrop: (unsent: number) => void,
  ) {}

  /** A JSON message; a stream's end waits behind that stream's frames. */
  message(json: string, stream?: string): void {
    const list = stream === undefined ? undefined : this.waiting.get(stream);
    if (list) list.push(json);
    else this.write(json);
  }

  data(stream: string, frame: Uint8Array): void {
    const list = this.waiting.get(stream);
    if (!list && (frame.byteLength <= INTERACTIVE_FRAME || this.ws.bufferedAmount < SOCKET_LOW)) {
      this.write(frame);
      return;
    }
    if (list) list.push(frame);
    else this.waiting.set(stream, [frame]);
    this.queued += frame.byteLength;
    if (!this.holding && this.queued >= HOLD_AT) {
      this.holding = true;
      this.hold(true);
    }
    this.checkBound();
  }

  private write(item: Item): void {
    if (this.dropped || this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(item, this.drain);
    this.checkBound();
  }

  private readonly drain = (): void => {
    while (this.waiting.size > 0 && this.ws.bufferedAmount < SOCKET_LOW && !this.dropped) {
      // One item of each waiting stream in turn.
      for (const [stream, list] of this.waiting) {
        const item = list.shift();
        if (list.length === 0) this.waiting.delete(stream);
        if (item === undefined) continue;
        if (typeof item !== 'string') this.queued -= item.byteLength;
        this.write(item);
        if (this.ws.bufferedAmount >= SOCKET_LOW) break;
      }
    }
    if (this.holding && this.queued < HOLD_AT / 4) {
      this.holding = false;
      this.hold(false);
    }
  };

  private checkBound(): void {
    const unsent = this.ws.bufferedAmount + this.queued;
    if (this.dropped || unsent <= DROP_AT) return;
    this.dropped = true;
    this.waiting.clear();
    this.queued = 0;
    this.onDrop(unsent);
  }
}
