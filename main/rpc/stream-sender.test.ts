import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { STREAM_HIGH_WATER, STREAM_LOW_WATER } from '../../app/contract';
import type { ServerMessage } from '../../app/contract';
import { StreamSender } from './stream-sender';

/** A source that would produce `total` bytes as fast as it is read, counting what it produced. */
function endless(total: number): Readable & { produced: () => number } {
  let produced = 0;
  const source = new Readable({
    highWaterMark: 16 * 1024,
    read(size) {
      if (produced >= total) {
        this.push(null);
        return;
      }
      const chunk = Buffer.alloc(Math.min(size, total - produced), 0x61);
      produced += chunk.byteLength;
      this.push(chunk);
    },
  });
  return Object.assign(source, { produced: () => produced });
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe('StreamSender', () => {
  it('stops reading its source while the consumer has not acknowledged, and resumes on acks', async () => {
    const source = endless(64 * 1024 * 1024);
    const sent: ServerMessage[] = [];
    const sender = new StreamSender(
      's1',
      source,
      (m) => sent.push(m),
      () => undefined,
    );
    sender.start();
    await settle();

    const bytesSent = (): number => sent.reduce((sum, m) => sum + (m.t === 'data' ? m.data.byteLength : 0), 0);
    const stalledAt = bytesSent();
    expect(stalledAt).toBeGreaterThanOrEqual(STREAM_HIGH_WATER);
    // Bounded: one chunk past the mark, plus what the source itself buffers, and no more.
    expect(source.produced()).toBeLessThan(STREAM_HIGH_WATER + 256 * 1024);
    await settle();
    expect(bytesSent()).toBe(stalledAt);

    // Acknowledging down to just above the low-water mark is not enough to resume...
    sender.ack(stalledAt - STREAM_LOW_WATER - 1);
    await settle();
    expect(bytesSent()).toBe(stalledAt);
    // ...crossing it is.
    sender.ack(1);
    await settle();
    expect(bytesSent()).toBeGreaterThan(stalledAt);
    sender.destroy();
  });

  it('delivers everything and then an end, when the consumer keeps up', async () => {
    const total = 3 * STREAM_HIGH_WATER + 123;
    const source = endless(total);
    let received = 0;
    let ended = false;
    const sender: StreamSender = new StreamSender(
      's2',
      source,
      (m) => {
        if (m.t === 'data') {
          received += m.data.byteLength;
          queueMicrotask(() => sender.ack(m.data.byteLength));
        }
        if (m.t === 'end') ended = true;
      },
      () => undefined,
    );
    sender.start();
    await new Promise<void>((resolve) => source.once('close', resolve));
    await settle();
    expect(received).toBe(total);
    expect(ended).toBe(true);
  });

  it('reports a source error in the end message', async () => {
    const source = new Readable({ read() {} });
    const sent: ServerMessage[] = [];
    let finished = false;
    new StreamSender(
      's3',
      source,
      (m) => sent.push(m),
      () => (finished = true),
    ).start();
    source.destroy(new Error('channel closed by node'));
    await settle();
    expect(sent).toContainEqual({ t: 'end', stream: 's3', error: { code: 'unavailable', message: 'channel closed by node' } });
    expect(finished).toBe(true);
  });

  it('destroys its source when the consumer goes away', () => {
    const source = endless(1024);
    let finished = false;
    const sender = new StreamSender(
      's4',
      source,
      () => undefined,
      () => (finished = true),
    );
    sender.start();
    sender.destroy();
    expect(source.destroyed).toBe(true);
    expect(finished).toBe(true);
  });
});
