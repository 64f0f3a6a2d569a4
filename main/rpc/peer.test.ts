import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ServerMessage } from '../../app/contract';
import { StreamRef } from '../../app/contract';
import { Dispatcher } from './dispatcher';
import { Peer } from './peer';

const contract = {
  echo: { params: z.object({ text: z.string() }), result: z.string() },
  hang: { params: z.object({}), result: z.string() },
  follow: { params: z.object({}), result: StreamRef },
};

function setup(): { peer: Peer; sent: ServerMessage[]; aborted: () => boolean; source: Readable } {
  let aborted = false;
  const source = new Readable({ read() {} });
  const dispatcher = new Dispatcher(contract, {
    echo: ({ text }) => Promise.resolve(text),
    hang: (_p, ctx) =>
      new Promise((_resolve, reject) =>
        ctx.signal.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        }),
      ),
    follow: (_p, ctx) => Promise.resolve(ctx.openStream(source)),
  });
  const sent: ServerMessage[] = [];
  return { peer: new Peer(dispatcher, (m) => sent.push(m)), sent, aborted: () => aborted, source };
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

describe('Peer', () => {
  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an unknown message type', { t: 'explode', id: 4 }],
    ['a call without a method', { t: 'call', id: 5, params: {} }],
    ['a negative id', { t: 'call', id: -1, method: 'echo', params: { text: 'x' } }],
    ['an ack of no bytes', { t: 'ack', stream: 's0', bytes: 0 }],
  ])('answers %s with a bad-message error, then keeps serving', async (_what, raw) => {
    const { peer, sent } = setup();
    peer.receive(raw);
    peer.receive({ t: 'call', id: 9, method: 'echo', params: { text: 'still here' } });
    await tick();
    expect(sent[0]).toMatchObject({ t: 'result', ok: false, error: { code: 'bad-message' } });
    expect(sent[1]).toEqual({ t: 'result', id: 9, ok: true, value: 'still here' });
  });

  it('keeps the id of a malformed call so the caller can match the error', async () => {
    const { peer, sent } = setup();
    peer.receive({ t: 'call', id: 7 });
    await tick();
    expect(sent[0]).toMatchObject({ id: 7, ok: false, error: { code: 'bad-message' } });
  });

  it('answers invalid params with a typed error naming the field', async () => {
    const { peer, sent } = setup();
    peer.receive({ t: 'call', id: 1, method: 'echo', params: { text: 3 } });
    await tick();
    expect(sent[0]).toMatchObject({ id: 1, ok: false, error: { code: 'invalid-params', issues: [expect.stringContaining('params.text')] } });
  });

  it('refuses a second call under an id still in use', async () => {
    const { peer, sent } = setup();
    peer.receive({ t: 'call', id: 1, method: 'hang', params: {} });
    peer.receive({ t: 'call', id: 1, method: 'echo', params: { text: 'x' } });
    await tick();
    expect(sent[0]).toMatchObject({ id: 1, ok: false, error: { code: 'bad-message' } });
    expect(JSON.stringify(sent[0])).toContain('already in use');
  });

  it('cancels a call on request', async () => {
    const { peer, sent, aborted } = setup();
    peer.receive({ t: 'call', id: 2, method: 'hang', params: {} });
    peer.receive({ t: 'cancel', id: 2 });
    await tick();
    expect(aborted()).toBe(true);
    expect(sent[0]).toMatchObject({ id: 2, ok: false, error: { code: 'cancelled' } });
  });

  it('sends stream data only after the result naming the stream', async () => {
    const { peer, sent, source } = setup();
    source.push('early bytes');
    peer.receive({ t: 'call', id: 3, method: 'follow', params: {} });
    await tick();
    expect(sent[0]).toEqual({ t: 'result', id: 3, ok: true, value: { stream: 's0' } });
    expect(sent[1]).toMatchObject({ t: 'data', stream: 's0' });
  });

  it('on close, aborts pending calls and stops streams', async () => {
    const { peer, aborted, source } = setup();
    peer.receive({ t: 'call', id: 1, method: 'hang', params: {} });
    peer.receive({ t: 'call', id: 2, method: 'follow', params: {} });
    await tick();
    peer.close();
    await tick();
    expect(aborted()).toBe(true);
    expect(source.destroyed).toBe(true);
  });
});
