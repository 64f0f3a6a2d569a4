import { describe, expect, it } from 'vitest';
import { BerthError, STREAM_ACK_EVERY } from '../contract';
import type { ClientMessage, ServerMessage } from '../contract';
import { BerthClient } from './berth-client';
import type { Pipe } from './berth-client';

/** A pipe whose far end is the test. */
function fakePipe(): { pipe: Pipe; sent: ClientMessage[]; deliver: (m: ServerMessage) => void; close: (reason: string) => void } {
  const sent: ClientMessage[] = [];
  let listener: (m: ServerMessage) => void = () => undefined;
  let closer: (reason: string) => void = () => undefined;
  return {
    pipe: { send: (m) => sent.push(m), onMessage: (l) => (listener = l), onClose: (c) => (closer = c) },
    sent,
    deliver: (m) => listener(m),
    close: (reason) => closer(reason),
  };
}

describe('BerthClient', () => {
  it('matches results to calls by id', async () => {
    const far = fakePipe();
    const client = new BerthClient(far.pipe);
    const first = client.call('app.info', {});
    const second = client.call('nodes.list', {});
    expect(far.sent.map((m) => m.t === 'call' && m.id)).toEqual([1, 2]);
    far.deliver({ t: 'result', id: 2, ok: false, error: { code: 'unavailable', message: 'no docker' } });
    far.deliver({ t: 'result', id: 1, ok: true, value: { version: '1', mode: 'browser', configDir: '/c' } });
    await expect(first).resolves.toEqual({ version: '1', mode: 'browser', configDir: '/c' });
    await expect(second).rejects.toEqual(new BerthError('unavailable', 'no docker'));
  });

  it('sends a cancel when the signal aborts', () => {
    const far = fakePipe();
    const controller = new AbortController();
    void new BerthClient(far.pipe).call('nodes.list', {}, controller.signal).catch(() => undefined);
    controller.abort();
    expect(far.sent[1]).toEqual({ t: 'cancel', id: 1 });
  });

  it('fails pending calls, and refuses new ones, once the transport closes', async () => {
    const far = fakePipe();
    const client = new BerthClient(far.pipe);
    const pending = client.call('nodes.list', {});
    far.close('server stopped');
    await expect(pending).rejects.toMatchObject({ code: 'unavailable', message: 'server stopped' });
    await expect(client.call('nodes.list', {})).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('acknowledges processed bytes in batches, not before processing', () => {
    const far = fakePipe();
    const client = new BerthClient(far.pipe);
    const dones: (() => void)[] = [];
    client.consume({ stream: 's1' }, { data: (_chunk, done) => dones.push(done), end: () => undefined });
    const chunk = new Uint8Array(STREAM_ACK_EVERY / 2);
    for (let i = 0; i < 4; i++) far.deliver({ t: 'data', stream: 's1', data: chunk });
    expect(far.sent).toEqual([]);
    dones.forEach((done) => done());
    expect(far.sent).toEqual([
      { t: 'ack', stream: 's1', bytes: STREAM_ACK_EVERY },
      { t: 'ack', stream: 's1', bytes: STREAM_ACK_EVERY },
    ]);
  });

  it('keeps data and the end that arrive before the consumer attaches', () => {
    const far = fakePipe();
    const client = new BerthClient(far.pipe);
    far.deliver({ t: 'data', stream: 's2', data: new Uint8Array([104, 105]) });
    far.deliver({ t: 'end', stream: 's2', error: { code: 'unavailable', message: 'node went away' } });
    const seen: number[][] = [];
    let endError: BerthError | undefined;
    client.consume({ stream: 's2' }, { data: (chunk, done) => (seen.push([...chunk]), done()), end: (error) => (endError = error) });
    expect(seen).toEqual([[104, 105]]);
    expect(endError?.message).toBe('node went away');
  });

  it('tells the back end when the consumer closes a stream', () => {
    const far = fakePipe();
    const handle = new BerthClient(far.pipe).consume({ stream: 's3' }, { data: () => undefined, end: () => undefined });
    handle.close();
    handle.close();
    expect(far.sent).toEqual([{ t: 'close', stream: 's3' }]);
  });
});
