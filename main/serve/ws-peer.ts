import type { RawData, WebSocket } from 'ws';
import { encodeDataFrame } from '../../app/contract';
import type { ServerMessage } from '../../app/contract';
import type { CallRunner, EventFeed } from '../rpc/dispatcher';
import { Peer } from '../rpc/peer';

/** One browser tab: JSON text frames both ways, binary frames for stream data. */
export function attachPeer(ws: WebSocket, dispatcher: CallRunner, events?: EventFeed): Peer {
  const peer = new Peer(
    dispatcher,
    (message: ServerMessage) => {
      if (ws.readyState !== ws.OPEN) return;
      if (message.t === 'data') ws.send(encodeDataFrame(message.stream, message.data));
      else ws.send(JSON.stringify(message));
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
