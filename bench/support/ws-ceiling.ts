// Code passed to evaluate() runs in the page.
/// <reference lib="dom" />
import type { Browser } from '@playwright/test';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';

const FRAME = 64 * 1024;
/** The sender keeps at most this much unsent, as a well-behaved server would. */
const UNSENT = 1024 * 1024;

/**
 * How fast this browser takes bytes off a WebSocket at all: a bare `ws` server on 127.0.0.1 sends
 * `bytes` in 64 KiB binary frames as fast as the socket drains, and a page of the same browser
 * only counts them (no parsing, no drawing, no acknowledgements). Browser mode cannot beat it.
 */
export async function wsCeiling(browser: Browser, bytes: number): Promise<number> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => {
    const frame = Buffer.alloc(FRAME, 0x61);
    let sent = 0;
    const pump = (): void => {
      while (sent < bytes && socket.bufferedAmount < UNSENT) {
        const size = Math.min(FRAME, bytes - sent);
        sent += size;
        socket.send(frame.subarray(0, size), () => pump());
      }
    };
    pump();
  });
  const page = await browser.newPage();
  try {
    return await page.evaluate(
      ([url, total]) =>
        new Promise<number>((resolve, reject) => {
          const socket = new WebSocket(url);
          socket.binaryType = 'arraybuffer';
          let received = 0;
          let started = 0;
          socket.onopen = () => (started = performance.now());
          socket.onerror = () => reject(new Error('the bare WebSocket failed'));
          socket.onmessage = (event: MessageEvent<ArrayBuffer>) => {
            received += event.data.byteLength;
            if (received < total) return;
            resolve(performance.now() - started);
            socket.close();
          };
        }),
      [`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, bytes] as const,
    );
  } finally {
    await page.close();
    server.close();
  }
}
