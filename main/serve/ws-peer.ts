import type { RawData, WebSocket } from 'ws';
import { encodeDataFrame } from '../../app/contract';
import type { ServerMessage } from '../../app/contract';
import type { CallRunner, EventFeed } from '../rpc/dispatcher';
import { traceHop, tracing } from '../rpc/latency-trace';
import { Peer } from '../rpc/peer';
import { ClientOutbox } from './client-outbox';

/** One browser tab: JSON text frames both ways, binary frames for stream data, scheduled per stream. */
export function attachPeer(ws: WebSocket, dispatcher: CallRunner, events?: EventFeed): Peer {
  // (ws itself turns Nagle's algorithm off on the socket, so small frames are not held back.)
  const outbox = new ClientOutbox(
    ws,
    (on) => peer.holdStreams(on),
    (unsent) => {
      console.error(
        `berth serve: dropped a browser client that stopped reading (${(unsent / 1024 / 1024).toFixed(0)} MiB unsent); reloading its page connects it again.`,
      );
      ws.terminate();
    },
  );
  const peer: Peer = new Peer(
    dispatcher,
    (message: ServerMessage) => {
      if (message.t === 'data') outbox.data(message.stream, encodeDataFrame(message.stream, message.data));
      else outbox.message(JSON.stringify(message), message.t === 'end' ? message.stream : undefined);
    },
    events,
  );

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      peer.refuseUnreadable('a binary frame');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(textOf(data));
    } catch {
      peer.refuseUnreadable('it is not JSON');
      return;
    }
    if (tracing) traceKey(parsed);
    peer.receive(parsed);
  });
  ws.on('close', () => peer.close());
  ws.on('error', () => peer.close());
  return peer;
}

function textOf(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(new Uint8Array(data)).toString('utf8');
}

/** For the latency bench: when a keystroke's call came off the WebSocket. */
function traceKey(message: unknown): void {
  const { method, params } = (message ?? {}) as { method?: unknown; params?: { terminal?: unknown } };
  if (method === 'terminals.input' && typeof params?.terminal === 'string') traceHop('recv', params.terminal);
}
