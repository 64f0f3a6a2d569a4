import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { StreamRef } from '../../app/contract';
import { Dispatcher } from '../rpc/dispatcher';
import type { EventFeed } from '../rpc/dispatcher';
import { DROP_AT } from './client-outbox';
import { startServer } from './server';
import type { RunningServer } from './server';

const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;
let produced = 0;
let emit: (name: string, payload: unknown) => void = () => undefined;
const events: EventFeed = {
  subscribe(listener) {
    emit = listener;
    return () => (emit = () => undefined);
  },
};
const dispatcher = new Dispatcher(
  { flood: { params: z.object({}), result: StreamRef } },
  {
    // An endless source that counts what the server took from it.
    flood: (_p, ctx) =>
      Promise.resolve(
        ctx.openStream(
          new Readable({
            read() {
              produced += CHUNK;
              this.push(Buffer.alloc(CHUNK, 0x79));
            },
          }),
        ),
      ),
  },
);

let server: RunningServer;
const TOKEN = 'slow-client-token-0123456789';

beforeAll(async () => {
  server = await startServer({ staticDir: mkdtempSync(join(tmpdir(), 'berth-static-')), dispatcher, events, token: TOKEN });
});
afterAll(() => server.close());

function connect(): Promise<WebSocket> {
  const host = `127.0.0.1:${server.port}`;
  const socket = new WebSocket(`ws://${host}/api?token=${TOKEN}`, { headers: { Host: host, Origin: `http://${host}` } });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('berth serve and a client that stops reading', () => {
  it('pauses the streams of a client that acknowledges bytes it never reads: what the server holds stays bounded', async () => {
    const socket = await connect();
    const stream = await new Promise<string>((resolve) => {
      socket.once('message', (data: Buffer) => resolve((JSON.parse(data.toString()) as { value: StreamRef }).value.stream));
      socket.send(JSON.stringify({ t: 'call', id: 1, method: 'flood', params: {} }));
    });
    // From here on the client reads nothing, yet claims to have processed a MiB every 5 ms.
    socket.pause();
    produced = 0;
    const acks = setInterval(() => socket.send(JSON.stringify({ t: 'ack', stream, bytes: MiB })), 5);
    await wait(3000);
    clearInterval(acks);
    // What the kernel's socket buffers hold, plus Berth's bounds (the outbox and the socket's low mark).
    expect(produced).toBeLessThan(48 * MiB);
    const stalled = produced;
    await wait(500);
    expect(produced - stalled).toBeLessThanOrEqual(2 * CHUNK);
    // Paused, not dropped: the client may still catch up.
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.terminate();
  });

  it('drops a client that stops reading while messages for it pile up past the bound', async () => {
    const socket = await connect();
    let received = 0;
    socket.on('message', () => received++);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.pause();
    const count = Math.ceil((2 * DROP_AT) / MiB);
    for (let i = 0; i < count; i++) emit('test.big', 'e'.repeat(MiB));
    socket.resume();
    await expect(Promise.race([closed.then(() => 'closed'), wait(10_000).then(() => 'still open')])).resolves.toBe('closed');
    expect(received).toBeLessThan(count);
  });
});
