import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BerthError } from '../../app/contract';
import { Dispatcher } from './dispatcher';
import type { CallContext } from './dispatcher';

const contract = {
  add: { params: z.object({ a: z.number(), b: z.number() }).strict(), result: z.number() },
  broken: { params: z.object({}), result: z.string() },
  fails: { params: z.object({}), result: z.string() },
  refuses: { params: z.object({}), result: z.string() },
  waits: { params: z.object({}), result: z.string() },
};

const dispatcher = new Dispatcher(contract, {
  add: ({ a, b }) => Promise.resolve(a + b),
  broken: () => Promise.resolve(42 as unknown as string),
  fails: () => Promise.reject(new Error('disk on fire')),
  refuses: () => Promise.reject(new BerthError('not-found', 'No node named x. Run berth node list.')),
  waits: (_params, ctx) => new Promise((_resolve, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))),
});

function ctx(signal = new AbortController().signal): CallContext {
  return { signal, openStream: () => ({ stream: 's0' }) };
}

async function failure(promise: Promise<unknown>): Promise<BerthError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BerthError);
  return error as BerthError;
}

describe('Dispatcher', () => {
  it('runs a valid call', async () => {
    await expect(dispatcher.call('add', { a: 2, b: 3 }, ctx())).resolves.toBe(5);
  });

  it('names each invalid parameter', async () => {
    const error = await failure(dispatcher.call('add', { a: 'two', c: 1 }, ctx()));
    expect(error.code).toBe('invalid-params');
    expect(error.issues?.some((issue) => issue.startsWith('params.a:'))).toBe(true);
    expect(error.issues?.some((issue) => issue.includes('"c"'))).toBe(true);
  });

  it('refuses an unknown method and lists the known ones', async () => {
    const error = await failure(dispatcher.call('nodes.explode', {}, ctx()));
    expect(error.code).toBe('unknown-method');
    expect(error.message).toContain('add');
  });

  it('does not treat inherited object keys as methods', async () => {
    const error = await failure(dispatcher.call('toString', {}, ctx()));
    expect(error.code).toBe('unknown-method');
  });

  it('passes a handler’s own BerthError through unchanged', async () => {
    const error = await failure(dispatcher.call('refuses', {}, ctx()));
    expect(error.code).toBe('not-found');
    expect(error.message).toBe('No node named x. Run berth node list.');
  });

  it('turns an unexpected throw into an internal error that says so', async () => {
    const error = await failure(dispatcher.call('fails', {}, ctx()));
    expect(error.code).toBe('internal');
    expect(error.message).toContain('disk on fire');
  });

  it('catches a handler returning the wrong shape', async () => {
    const error = await failure(dispatcher.call('broken', {}, ctx()));
    expect(error.code).toBe('internal');
    expect(error.message).toContain('malformed result');
  });

  it('reports a cancelled call as cancelled', async () => {
    const controller = new AbortController();
    const pending = dispatcher.call('waits', {}, ctx(controller.signal));
    controller.abort();
    expect((await failure(pending)).code).toBe('cancelled');
  });
});
