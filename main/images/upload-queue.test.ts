import { describe, expect, it } from 'vitest';
import { UploadQueue } from './upload-queue';

async function collect(source: AsyncIterable<Uint8Array>): Promise<string> {
  let text = '';
  for await (const chunk of source) text += Buffer.from(chunk).toString();
  return text;
}

describe('UploadQueue', () => {
  it('carves pieces into files of the listed sizes, a piece spanning files, each sender waiting until taken', async () => {
    const queue = new UploadQueue();
    let firstTaken = false;
    const first = queue.push(Buffer.from('abcde')).then(() => (firstTaken = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(firstTaken).toBe(false);
    const second = queue.push(Buffer.from('fgh'));
    expect(await collect(queue.take(3))).toBe('abc');
    expect(await collect(queue.take(4))).toBe('defg');
    await first;
    expect(await collect(queue.take(1))).toBe('h');
    await second;
    expect(await collect(queue.take(0))).toBe('');
  });

  it('fails senders and the reader alike when the build stops', async () => {
    const queue = new UploadQueue();
    const reading = collect(queue.take(10));
    queue.fail(new Error('cancelled'));
    await expect(reading).rejects.toThrow('cancelled');
    await expect(queue.push(Buffer.from('x'))).rejects.toThrow('cancelled');
  });
});
