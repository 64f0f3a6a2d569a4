import { BerthError, STREAM_ACK_EVERY } from '../contract';
import type { ClientMessage, EventName, EventPayload, Method, Params, Result, ServerMessage, StreamRef } from '../contract';

/** A transport's two directions. Electron IPC and the browser's WebSocket each provide one. */
export interface Pipe {
  send(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage) => void): void;
  /** The transport is gone for good; pending calls fail with this reason. */
  onClose(listener: (reason: string) => void): void;
}

export interface StreamConsumer {
  /** Called per chunk; call `done` once the chunk is processed (for xterm.js: in write's callback). */
  data(chunk: Uint8Array, done: () => void): void;
  end(error?: BerthError): void;
}

export interface StreamHandle {
  /** Stop the stream; the back end stops reading its source. */
  close(): void;
}

/** The part of AbortSignal the client needs; app/ sees neither DOM nor Node types. */
export interface CancelSignal {
  addEventListener(type: 'abort', listener: () => void, options: { once: true }): void;
}

interface PendingCall {
  resolve(value: unknown): void;
  reject(error: BerthError): void;
}

/** Data that arrived before its consumer was attached; bounded by the back end's high-water mark. */
type Early = { chunks: Uint8Array[]; ended?: { error?: BerthError } };

/**
 * The UI's side of the contract: typed calls that resolve or reject with a BerthError, and byte
 * streams whose consumer acknowledges what it has processed, which is what throttles the source.
 */
export class BerthClient {
  private nextId = 1;
  private readonly pending = new Map<number, PendingCall>();
  private readonly consumers = new Map<string, { consumer: StreamConsumer; processed: number }>();
  private readonly early = new Map<string, Early>();
  private closedReason: string | null = null;
  private readonly unsolicited: ((error: BerthError) => void)[] = [];
  private readonly listeners = new Map<string, ((payload: unknown) => void)[]>();

  constructor(private readonly pipe: Pipe) {
    pipe.onMessage((message) => this.receive(message));
    pipe.onClose((reason) => this.fail(reason));
  }

  call<M extends Method>(method: M, params: Params<M>, signal?: CancelSignal): Promise<Result<M>> {
    if (this.closedReason !== null) return Promise.reject(new BerthError('unavailable', this.closedReason));
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      this.pending.set(id, { resolve: (value) => resolve(value as Result<M>), reject });
      signal?.addEventListener('abort', () => this.pipe.send({ t: 'cancel', id }), { once: true });
      this.pipe.send({ t: 'call', id, method, params });
    });
  }

  /** Attaches a consumer to a stream that a call opened. */
  consume(ref: StreamRef, consumer: StreamConsumer): StreamHandle {
    const entry = { consumer, processed: 0 };
    this.consumers.set(ref.stream, entry);
    const early = this.early.get(ref.stream);
    this.early.delete(ref.stream);
    for (const chunk of early?.chunks ?? []) this.deliver(ref.stream, entry, chunk);
    if (early?.ended) this.finish(ref.stream, early.ended.error);
    return {
      close: () => {
        if (this.consumers.delete(ref.stream)) this.pipe.send({ t: 'close', stream: ref.stream });
      },
    };
  }

  /** Listens to an event the back end pushes; returns the way to stop listening. */
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    const list = this.listeners.get(name) ?? [];
    const wrapped = (payload: unknown): void => listener(payload as EventPayload<E>);
    this.listeners.set(name, [...list, wrapped]);
    return () =>
      this.listeners.set(
        name,
        (this.listeners.get(name) ?? []).filter((l) => l !== wrapped),
      );
  }

  /** Errors the back end sent that answer no call of ours (e.g. a message it could not read). */
  onUnsolicitedError(listener: (error: BerthError) => void): void {
    this.unsolicited.push(listener);
  }

  private receive(message: ServerMessage): void {
    switch (message.t) {
      case 'result': {
        const call = message.id === null ? undefined : this.pending.get(message.id);
        if (!call) {
          if (!message.ok) for (const listener of this.unsolicited) listener(BerthError.fromData(message.error));
          return;
        }
        this.pending.delete(message.id as number);
        if (message.ok) call.resolve(message.value);
        else call.reject(BerthError.fromData(message.error));
        return;
      }
      case 'event':
        for (const listener of this.listeners.get(message.name) ?? []) listener(message.payload);
        return;
      case 'data': {
        const entry = this.consumers.get(message.stream);
        if (entry) this.deliver(message.stream, entry, message.data);
        else this.earlyFor(message.stream).chunks.push(message.data);
        return;
      }
      case 'end': {
        const error = message.error ? BerthError.fromData(message.error) : undefined;
        if (this.consumers.has(message.stream)) this.finish(message.stream, error);
        else this.earlyFor(message.stream).ended = error ? { error } : {};
        return;
      }
    }
  }

  private deliver(stream: string, entry: { consumer: StreamConsumer; processed: number }, chunk: Uint8Array): void {
    entry.consumer.data(chunk, () => {
      entry.processed += chunk.byteLength;
      if (entry.processed >= STREAM_ACK_EVERY && this.consumers.get(stream) === entry) {
        this.pipe.send({ t: 'ack', stream, bytes: entry.processed });
        entry.processed = 0;
      }
    });
  }

  private finish(stream: string, error?: BerthError): void {
    const entry = this.consumers.get(stream);
    this.consumers.delete(stream);
    entry?.consumer.end(error);
  }

  private earlyFor(stream: string): Early {
    let early = this.early.get(stream);
    if (!early) {
      early = { chunks: [] };
      this.early.set(stream, early);
    }
    return early;
  }

  private fail(reason: string): void {
    this.closedReason = reason;
    const error = new BerthError('unavailable', reason);
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
    for (const stream of [...this.consumers.keys()]) this.finish(stream, error);
  }
}
