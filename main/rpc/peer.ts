import type { Readable } from 'node:stream';
import { BerthError, ClientMessage, describeIssues } from '../../app/contract';
import type { ServerMessage, StreamRef } from '../../app/contract';
import type { CallRunner, EventFeed } from './dispatcher';
import { StreamSender } from './stream-sender';

/**
 * One connected UI (a window over IPC, a browser tab over WebSocket). It checks each incoming
 * message against the wire schema, runs calls through the dispatcher, and owns the streams and
 * pending calls of this connection, so that when the connection goes, they go too.
 */
export class Peer {
  private readonly pending = new Map<number, AbortController>();
  private readonly streams = new Map<string, StreamSender>();
  private nextStream = 0;
  private closed = false;
  private holding = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly dispatcher: CallRunner,
    private readonly send: (message: ServerMessage) => void,
    events?: EventFeed,
  ) {
    this.unsubscribe = events?.subscribe((name, payload) => this.deliver({ t: 'event', name, payload })) ?? (() => undefined);
  }

  receive(raw: unknown): void {
    if (this.closed) return;
    const parsed = ClientMessage.safeParse(raw);
    if (!parsed.success) {
      const issues = describeIssues(parsed.error, 'message');
      this.send({
        t: 'result',
        id: idOf(raw),
        ok: false,
        error: { code: 'bad-message', message: `Berth could not read that message: ${issues.join('; ')}.`, issues },
      });
      return;
    }
    const message = parsed.data;
    switch (message.t) {
      case 'call':
        this.startCall(message.id, message.method, message.params);
        return;
      case 'cancel':
        this.pending.get(message.id)?.abort();
        return;
      case 'ack':
        this.streams.get(message.stream)?.ack(message.bytes);
        return;
      case 'close':
        this.streams.get(message.stream)?.destroy();
        return;
    }
  }

  /** The transport got something that is not a message at all (not JSON, a binary frame). */
  refuseUnreadable(what: string): void {
    if (this.closed) return;
    this.send({
      t: 'result',
      id: null,
      ok: false,
      error: { code: 'bad-message', message: `Berth could not read that message: ${what}. Send JSON messages of the wire protocol.` },
    });
  }

  /** The transport's client is not reading: pause every stream of this connection (on), or let them flow again (off). */
  holdStreams(on: boolean): void {
    this.holding = on;
    for (const stream of this.streams.values()) stream.hold(on);
  }

  /** The transport is gone: cancel what is running and stop every stream. */
  close(): void {
    this.closed = true;
    this.unsubscribe();
    for (const controller of this.pending.values()) controller.abort();
    this.pending.clear();
    for (const stream of [...this.streams.values()]) stream.destroy();
  }

  private startCall(id: number, method: string, params: unknown): void {
    if (this.pending.has(id)) {
      const error = new BerthError('bad-message', `Call id ${id} is already in use by a call that has not finished; use a new id.`);
      this.send({ t: 'result', id, ok: false, error: error.toData() });
      return;
    }
    const controller = new AbortController();
    this.pending.set(id, controller);
    const opened: StreamSender[] = [];
    const openStream = (source: Readable): StreamRef => {
      const stream = new StreamSender(
        `s${this.nextStream++}`,
        source,
        (m) => this.deliver(m),
        () => this.streams.delete(stream.id),
      );
      this.streams.set(stream.id, stream);
      if (this.holding) stream.hold(true);
      opened.push(stream);
      return { stream: stream.id };
    };

    this.dispatcher.call(method, params, { signal: controller.signal, openStream }).then(
      (value) => {
        this.pending.delete(id);
        this.deliver({ t: 'result', id, ok: true, value });
        // Only now does the consumer know the ids, so only now may bytes flow.
        for (const stream of opened) stream.start();
      },
      (error: unknown) => {
        this.pending.delete(id);
        for (const stream of opened) stream.destroy();
        const data = error instanceof BerthError ? error.toData() : { code: 'internal' as const, message: String(error) };
        this.deliver({ t: 'result', id, ok: false, error: data });
      },
    );
  }

  private deliver(message: ServerMessage): void {
    if (!this.closed) this.send(message);
  }
}

function idOf(raw: unknown): number | null {
  if (typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'number' && Number.isInteger(raw.id)) return raw.id;
  return null;
}
