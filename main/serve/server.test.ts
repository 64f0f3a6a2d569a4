import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { BerthClient } from '../../app/client/berth-client';
import { BerthError, STREAM_HIGH_WATER, StreamRef } from '../../app/contract';
import { openNodeWsPipe } from '../../tests/support/node-ws-pipe';
import { Dispatcher } from '../rpc/dispatcher';
import { OneTimeCodes } from './guard';
import { startServer } from './server';
import type { RunningServer } from './server';

const FLOOD_BYTES = 40 * 1024 * 1024;
let produced = 0;
const contract = {
  echo: { params: z.object({ text: z.string() }).strict(), result: z.string() },
  flood: { params: z.object({}), result: StreamRef },
};
const dispatcher = new Dispatcher(contract, {
  echo: ({ text }) => Promise.resolve(text),
  flood: (_p, ctx) => {
    produced = 0;
    const source = new Readable({
      read(size) {
        if (produced >= FLOOD_BYTES) return void this.push(null);
        const chunk = Buffer.alloc(Math.min(size, FLOOD_BYTES - produced), 0x79);
        produced += chunk.byteLength;
        this.push(chunk);
      },
    });
    return Promise.resolve(ctx.openStream(source));
  },
});

let server: RunningServer;
let host: string;
const TOKEN = 'test-token-0123456789';

beforeAll(async () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'berth-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Berth</title>');
  writeFileSync(join(tmpdir(), 'outside.txt'), 'secret');
  server = await startServer({ staticDir, dispatcher, token: TOKEN });
  host = `127.0.0.1:${server.port}`;
});
afterAll(() => server.close());

function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { Host: host, ...headers } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Attempts the WebSocket upgrade; resolves with the HTTP status of a refusal, or 101 on success. */
function upgrade(query: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api${query}`, { headers });
    socket.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      resolve(101);
      socket.close();
    });
    socket.on('error', (error) => (error.message.includes('Unexpected server response') ? undefined : reject(error)));
  });
}

const goodHeaders = (): Record<string, string> => ({ Host: host, Origin: `http://${host}` });

describe('berth serve', () => {
  it('listens on 127.0.0.1 only and prints a URL carrying a 32-byte token', async () => {
    const own = await startServer({ staticDir: tmpdir(), dispatcher });
    try {
      expect(own.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${own.port}/#token=[A-Za-z0-9_-]{43}$`));
      expect(Buffer.from(own.token, 'base64url')).toHaveLength(32);
    } finally {
      await own.close();
    }
  });

  it('serves the UI with a strict CSP and no CORS headers', async () => {
    const response = await get('/');
    expect(response.status).toBe(200);
    expect(response.body).toContain('<title>Berth</title>');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain(`connect-src 'self' ws://${host}`);
    expect(Object.keys(response.headers).some((name) => name.startsWith('access-control-'))).toBe(false);
  });

  it('refuses a foreign Host header (DNS rebinding) on plain requests', async () => {
    expect((await get('/', { Host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get('/', { Host: '127.0.0.1:1' })).status).toBe(403);
    expect((await get('/', { Host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('opens with a one-time link that carries no token and is traded for it once', async () => {
    const link = server.oneTimeUrl();
    expect(link).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/open\\?code=[A-Za-z0-9_-]{43}$`));
    expect(link).not.toContain(TOKEN);
    const path = link.replace(/^http:\/\/[^/]+/, '');
    expect((await get(path, { Host: `evil.example:${server.port}` })).status).toBe(403);
    const traded = await get(path);
    expect(traded.status).toBe(303);
    expect(traded.headers.location).toBe(`/#token=${TOKEN}`);
    expect(traded.headers['cache-control']).toBe('no-store');
    const again = await get(path);
    expect(again.status).toBe(403);
    expect(again.body).toContain('used already');
    expect(again.headers.location).toBeUndefined();
    expect((await get('/open?code=made-up')).status).toBe(403);
  });

  it('one-time codes expire, are spent by any use, and only a GET spends them', async () => {
    let now = 0;
    const codes = new OneTimeCodes(1000, () => now);
    const used: string[] = [];
    const late = codes.issue(() => used.push('late'));
    now = 1001;
    expect(codes.redeem(late)).toBe(false);
    const fresh = codes.issue(() => used.push('fresh'));
    expect(codes.redeem(fresh)).toBe(true);
    expect(codes.redeem(fresh)).toBe(false);
    expect(used).toEqual(['fresh']);

    const link = server.oneTimeUrl().replace(/^http:\/\/[^/]+/, '');
    const head = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: link, method: 'HEAD', headers: { Host: host } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(head).toBe(403);
    expect((await get(link)).status).toBe(303);
  });

  it('does not serve files outside the UI folder', async () => {
    expect((await get('/../outside.txt')).status).toBe(404);
    expect((await get('/%2e%2e/outside.txt')).status).toBe(404);
    expect((await get('/%E0%A4%A')).status).toBe(404);
  });

  it('accepts the WebSocket with the right token, Host and Origin', async () => {
    expect(await upgrade(`?token=${TOKEN}`, goodHeaders())).toBe(101);
  });

  it('refuses a missing or wrong token', async () => {
    expect(await upgrade('', goodHeaders())).toBe(401);
    expect(await upgrade('?token=', goodHeaders())).toBe(401);
    expect(await upgrade(`?token=${TOKEN}x`, goodHeaders())).toBe(401);
    expect(await upgrade(`?token=${TOKEN.slice(0, -1)}`, goodHeaders())).toBe(401);
  });

  it('refuses a foreign Host on the upgrade, even with the token', async () => {
    expect(await upgrade(`?token=${TOKEN}`, { Host: `evil.example:${server.port}`, Origin: `http://evil.example:${server.port}` })).toBe(403);
  });

  it('refuses a foreign or missing Origin on the upgrade, even with the token', async () => {
    expect(await upgrade(`?token=${TOKEN}`, { Host: host, Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(`?token=${TOKEN}`, { Host: host, Origin: `http://localhost:${server.port}` })).toBe(403);
    expect(await upgrade(`?token=${TOKEN}`, { Host: host })).toBe(403);
  });

  it('answers malformed messages with typed errors and keeps serving the connection', async () => {
    const { pipe, socket } = await openNodeWsPipe(`ws://${host}/api?token=${TOKEN}`, goodHeaders());
    const client = new BerthClient(pipe);
    const unsolicited: BerthError[] = [];
    client.onUnsolicitedError((error) => unsolicited.push(error));

    socket.send('this is not json');
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    socket.send(JSON.stringify({ t: 'call', method: 'echo' }));

    // A call the server does not know, over the typed client.
    const bad = await client.call('nodes.list' as never, { nope: true } as never).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BerthError);
    expect((bad as BerthError).code).toBe('unknown-method');

    const invalid = await (client.call as (m: string, p: unknown) => Promise<unknown>)('echo', { text: 5 }).catch((e: unknown) => e);
    expect((invalid as BerthError).code).toBe('invalid-params');
    expect((invalid as BerthError).issues).toEqual([expect.stringContaining('params.text')]);

    expect(unsolicited.map((e) => e.code)).toEqual(['bad-message', 'bad-message', 'bad-message']);
    expect(unsolicited[0]?.message).toContain('not JSON');

    // The same connection still answers.
    await expect((client.call as (m: string, p: unknown) => Promise<unknown>)('echo', { text: 'alive' })).resolves.toBe('alive');
    socket.close();
  });

  it('throttles a stream to what the consumer has acknowledged, end to end', async () => {
    const { pipe, socket } = await openNodeWsPipe(`ws://${host}/api?token=${TOKEN}`, goodHeaders());
    const client = new BerthClient(pipe);
    const ref = (await (client.call as (m: string, p: unknown) => Promise<unknown>)('flood', {})) as StreamRef;

    const held: (() => void)[] = [];
    let holding = true;
    let received = 0;
    let ended = false;
    client.consume(ref, {
      data: (chunk, done) => {
        received += chunk.byteLength;
        if (holding) held.push(done);
        else done();
      },
      end: () => (ended = true),
    });

    // A consumer that processes nothing: the source stalls near the high-water mark.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toBeGreaterThanOrEqual(STREAM_HIGH_WATER);
    expect(received).toBeLessThan(STREAM_HIGH_WATER + 256 * 1024);
    expect(produced).toBeLessThan(STREAM_HIGH_WATER + 512 * 1024);

    // Once it processes what it holds and all that follows, all 40 MB arrive.
    holding = false;
    held.forEach((done) => done());
    const until = Date.now() + 20_000;
    while (!ended && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(true);
    expect(received).toBe(FLOOD_BYTES);
    socket.close();
  });
});
