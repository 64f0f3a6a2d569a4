import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { CallRunner, EventFeed } from '../rpc/dispatcher';
import { OneTimeCodes, hostAllowed, newToken, originAllowed, tokenMatches } from './guard';
import { serveStatic } from './static-files';
import { attachPeer } from './ws-peer';

export interface ServeOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built renderer. */
  staticDir: string;
  dispatcher: CallRunner;
  events?: EventFeed;
  /** Tests pass a known token; everyone else gets a random one. */
  token?: string;
}

export interface RunningServer {
  port: number;
  token: string;
  /** The address to open, token included (in the fragment, so it never reaches logs or Referer headers). */
  url: string;
  /**
   * A link that opens the UI without carrying the token: a one-time code, good for OPEN_CODE_TTL_MS,
   * that the server trades for the token. For handing to another program (a browser started by
   * `--open`), whose arguments every user of the computer can read.
   */
  oneTimeUrl(onUsed?: () => void): string;
  close(): Promise<void>;
}

export const OPEN_CODE_TTL_MS = 2 * 60_000;

/** Client messages are small; anything larger than this is refused by the WebSocket layer itself. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Browser mode: the renderer and the API on 127.0.0.1 only, behind a token, Host and Origin checks. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const token = options.token ?? newToken();
  const codes = new OneTimeCodes(OPEN_CODE_TTL_MS);
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = 0;

  const server = createServer((request, response) => {
    handleRequest(request, response, { port, staticDir: options.staticDir, token, codes }).catch((error: unknown) => {
      console.error('berth serve: request failed:', error);
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('Berth could not answer this request; see the terminal running `berth serve`.\n');
    });
  });

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const host = request.headers.host;
    if (url.pathname !== '/api') return refuse(socket, 404, 'Not Found', 'There is no WebSocket here; the API is at /api.');
    if (!hostAllowed(host, port)) return refuse(socket, 403, 'Forbidden', 'Berth answers only to 127.0.0.1 and localhost.');
    if (!originAllowed(request.headers.origin, host))
      return refuse(socket, 403, 'Forbidden', 'Berth accepts WebSocket connections only from its own page.');
    if (!tokenMatches(token, url.searchParams.get('token'))) {
      return refuse(socket, 401, 'Unauthorized', 'Missing or wrong token: open the URL that `berth serve` printed.');
    }
    wss.handleUpgrade(request, socket, head, (ws) => attachPeer(ws, options.dispatcher, options.events));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    oneTimeUrl: (onUsed) => `http://127.0.0.1:${port}/open?code=${codes.issue(onUsed)}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface RequestContext {
  port: number;
  staticDir: string;
  token: string;
  codes: OneTimeCodes;
}

async function handleRequest(request: IncomingMessage, response: ServerResponse, { port, staticDir, token, codes }: RequestContext): Promise<void> {
  const host = request.headers.host;
  if (!hostAllowed(host, port)) {
    response.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`Berth answers only to 127.0.0.1:${port} and localhost:${port}. Open the URL that \`berth serve\` printed.\n`);
    return;
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Only GET and HEAD are served here.\n');
    return;
  }
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  // Only a GET spends a code: a HEAD (a link preview, a probe) must not use up the browser's link.
  if (url.pathname === '/open') return redeem(response, request.method === 'GET' && codes.redeem(url.searchParams.get('code')), token);
  const path = url.pathname;
  await serveStatic(staticDir, path, host, response, request.method === 'HEAD');
}

/** Trades a one-time code for the page with the token in its fragment (which the browser keeps to itself). */
function redeem(response: ServerResponse, valid: boolean, token: string): void {
  const quiet = { 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer', 'Content-Type': 'text/plain; charset=utf-8' };
  if (!valid) {
    response.writeHead(403, quiet);
    response.end('This one-time link was used already, or is more than two minutes old. Open the URL that `berth serve` printed in its terminal.\n');
    return;
  }
  response.writeHead(303, { ...quiet, Location: `/#token=${token}` });
  response.end('Opening Berth.\n');
}

function refuse(socket: Duplex, status: number, reason: string, message: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`,
  );
  socket.destroy();
}
