import type { z } from 'zod';
import { BerthError, describeIssues } from '../../app/contract';
import type { StreamRef } from '../../app/contract';
import type { Readable } from 'node:stream';
import { log } from '../log/log';

/** The shape every contract has: a map of call names to parameter and result schemas. */
export type ContractShape = Record<string, { params: z.ZodType; result: z.ZodType }>;

export interface CallContext {
  /** Aborted when the caller cancels or goes away; long work should watch it. */
  signal: AbortSignal;
  /** Sends a byte stream to the caller with acknowledgement-based backpressure. */
  openStream(source: Readable): StreamRef;
}

/** Events the core pushes to every connected UI; subscribe returns the way to stop. */
export interface EventFeed {
  subscribe(listener: (name: string, payload: unknown) => void): () => void;
}

/** What a transport needs of the dispatcher: run one call by name. */
export interface CallRunner {
  call(method: string, params: unknown, ctx: CallContext): Promise<unknown>;
}

export type HandlersOf<C extends ContractShape> = {
  [M in keyof C]: (params: z.output<C[M]['params']>, ctx: CallContext) => Promise<z.input<C[M]['result']>>;
};

/**
 * The one place calls are checked and run, whichever transport (Electron IPC, WebSocket, the
 * CLI in-process) brought them. Parameters are validated before a handler sees them, and results
 * after, so a handler bug surfaces as an error here rather than as a confused UI.
 */
export class Dispatcher<C extends ContractShape> implements CallRunner {
  constructor(
    private readonly contract: C,
    private readonly handlers: HandlersOf<C>,
  ) {}

  async call(method: string, params: unknown, ctx: CallContext): Promise<unknown> {
    if (!Object.hasOwn(this.contract, method)) {
      throw new BerthError('unknown-method', `There is no call named "${method}". The calls are: ${Object.keys(this.contract).join(', ')}.`);
    }
    const spec = this.contract[method as keyof C & string];
    const handler = this.handlers[method as keyof C & string];
    if (spec === undefined) throw new BerthError('unknown-method', `There is no call named "${method}".`);

    const parsed = spec.params.safeParse(params ?? {});
    if (!parsed.success) {
      const issues = describeIssues(parsed.error, 'params');
      throw new BerthError('invalid-params', `${method} was called with invalid parameters: ${issues.join('; ')}.`, issues);
    }

    let value: unknown;
    try {
      value = await handler(parsed.data as z.output<C[keyof C & string]['params']>, ctx);
    } catch (error) {
      if (error instanceof BerthError) throw error;
      if (ctx.signal.aborted) throw new BerthError('cancelled', `${method} was cancelled.`);
      const reason = error instanceof Error ? error.message : String(error);
      log.error('rpc', `${method} failed unexpectedly`, error);
      throw new BerthError(
        'internal',
        `${method} failed unexpectedly: ${reason}. This is a bug in Berth; please report it with the steps that led here (Berth's log, berth.log in its config folder, has the details).`,
      );
    }

    const checked = spec.result.safeParse(value);
    if (!checked.success) {
      const issues = describeIssues(checked.error, 'result');
      log.error('rpc', `${method} produced a malformed result: ${issues.join('; ')}`);
      throw new BerthError('internal', `${method} produced a malformed result (${issues.join('; ')}). This is a bug in Berth; please report it.`);
    }
    return checked.data;
  }
}
