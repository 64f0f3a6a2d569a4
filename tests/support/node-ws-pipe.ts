import WebSocket from 'ws';
import type { Pipe } from '../../app/client/berth-client';
import { decodeDataFrame } from '../../app/contract';
import type { ServerMessage } from '../../app/contract';

/** The browser's pipe, for Node tests: the same frames over the `ws` client. */
export function openNodeWsPipe(url: string, headers: Record<string, string>): Promise<{ pipe: Pipe; socket: WebSocket }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    const listeners: ((message: ServerMessage) => void)[] = [];
    const closers: ((reason: string) => void)[] = [];
    socket.on('message', (data: Buffer, isBinary) => {
      let message: ServerMessage | null;
      if (isBinary) {
        const frame = decodeDataFrame(new Uint8Array(data));
        message = frame ? { t: 'data', stream: frame.stream, data: frame.data } : null;
      } else {
        message = JSON.parse(data.toString('utf8')) as ServerMessage;
      }
      if (message) for (const listener of listeners) listener(message);
    });
    socket.on('close', () => closers.forEach((closer) => closer('closed')));
    socket.on('unexpected-response', (_request, response) => reject(new Error(`refused with ${response.statusCode}`)));
    socket.on('error', reject);
    socket.on('open', () =>
      resolve({
        socket,
        pipe: {
          send: (message) => socket.send(JSON.stringify(message)),
          onMessage: (listener) => listeners.push(listener),
          onClose: (listener) => closers.push(listener),
        },
      }),
    );
  });
}
