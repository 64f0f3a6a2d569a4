import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, bench, describe } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { BerthClient } from '../app/client/berth-client';
import { StreamRef } from '../app/contract';
import { Dispatcher } from '../main/rpc/dispatcher';
import { startServer } from '../main/serve/server';
import type { RunningServer } from '../main/serve/server';
import { openNodeWsPipe } from '../tests/support/node-ws-pipe';

// Berth's protocol against a bare WebSocket doing the same work, on the same loopback, in the same run.
const STREAM_BYTES = 16 * 1024 * 1024;
const CHUNK = 64 * 1024;

const contract = {
  ping: { params: z.object({ n: z.number() }).strict(), result: z.number() },
  bytes: { params: z.object({}).strict(), result: StreamRef },
};
const dispatcher = new Dispatcher(contract, {
  ping: ({ n }) => Promise.resolve(n),
  bytes: (_p, ctx) => {
    let sent = 0;
    const source = new Readable({
      read() {
        if (sent >= STREAM_BYTES) return void this.push(null);
        sent += CHUNK;
        this.push(Buffer.alloc(CHUNK, 0x61));
      },
    });
    return Promise.resolve(ctx.openStream(source));
  },
});

let server: RunningServer;
let client: BerthClient;
let rawServer: WebSocketServer;
let raw: WebSocket;
const call = (method: string, params: unknown): Promise<unknown> => (client.call as (m: string, p: unknown) => Promise<unknown>)(method, params);

beforeAll(async () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  writeFileSync(join(staticDir, 'index.html'), '');
  server = await startServer({ staticDir, dispatcher, token: 'bench' });
  const host = `127.0.0.1:${server.port}`;
  client = new BerthClient((await openNodeWsPipe(`ws://${host}/api?token=bench`, { Host: host, Origin: `http://${host}` })).pipe);

  // The baseline: a WebSocket server that echoes text and, on "bytes", sends the same bytes with no protocol at all.
  rawServer = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  rawServer.on('connection', (socket) =>
    socket.on('message', (data: Buffer) => {
      if (data.toString() !== 'bytes') return void socket.send(data.toString());
      const chunk = Buffer.alloc(CHUNK, 0x61);
      for (let sent = 0; sent < STREAM_BYTES; sent += CHUNK) socket.send(chunk);
      socket.send('end');
    }),
  );
  await new Promise((resolve) => rawServer.once('listening', resolve));
  raw = new WebSocket(`ws://127.0.0.1:${(rawServer.address() as AddressInfo).port}`);
  await new Promise((resolve) => raw.once('open', resolve));
});

afterAll(async () => {
  raw.close();
  rawServer.close();
  await server.close();
});

function rawRoundTrip(text: string): Promise<void> {
  return new Promise((resolve) => {
    raw.once('message', () => resolve());
    raw.send(text);
  });
}

describe('call round trip', () => {
  bench('baseline: bare WebSocket echo', () => rawRoundTrip(JSON.stringify({ t: 'call', id: 1, method: 'ping', params: { n: 1 } })));
  bench('berth: validated call over the serve WebSocket', async () => {
    await call('ping', { n: 1 });
  });
});

describe(`stream ${STREAM_BYTES / 1024 / 1024} MiB`, () => {
  bench('baseline: bare WebSocket, no acknowledgements', () => {
    return new Promise<void>((resolve) => {
      const onMessage = (_data: Buffer, isBinary: boolean): void => {
        if (!isBinary) {
          raw.off('message', onMessage);
          resolve();
        }
      };
      raw.on('message', onMessage);
      raw.send('bytes');
    });
  });
  bench('berth: stream with acknowledgement-based backpressure', async () => {
    const ref = (await call('bytes', {})) as StreamRef;
    await new Promise<void>((resolve) => client.consume(ref, { data: (_chunk, done) => done(), end: () => resolve() }));
  });
});
