import type { Pipe } from '../../app/client/berth-client';
import { decodeDataFrame } from '../../app/contract';
import type { ServerMessage } from '../../app/contract';

/** Browser mode: the page talks to `berth serve` over one WebSocket, opened before any call is sent. */
export function openWsPipe(url: string): Promise<Pipe> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    const listeners: ((message: ServerMessage) => void)[] = [];
    const closers: ((reason: string) => void)[] = [];
    let opened = false;

    socket.addEventListener('message', (event: MessageEvent<ArrayBuffer | string>) => {
      let message: ServerMessage | null;
      if (typeof event.data === 'string') {
        message = JSON.parse(event.data) as ServerMessage;
      } else {
        const frame = decodeDataFrame(new Uint8Array(event.data));
        message = frame ? { t: 'data', stream: frame.stream, data: frame.data } : null;
      }
      if (message) for (const listener of listeners) listener(message);
    });
    socket.addEventListener('open', () => {
      opened = true;
      resolve({
        send: (message) => socket.send(JSON.stringify(message)),
        onMessage: (listener) => listeners.push(listener),
        onClose: (listener) => closers.push(listener),
      });
    });
    socket.addEventListener('close', () => {
      if (!opened) {
        reject(
          new Error('The Berth server refused this page. Open the link that `berth serve` printed (it carries the access token), or restart it.'),
        );
        return;
      }
      for (const closer of closers) closer('The connection to `berth serve` was lost: it may have stopped. Restart it and open its new link.');
    });
  });
}
