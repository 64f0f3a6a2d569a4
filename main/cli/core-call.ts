import type { Method, Params, Result } from '../../app/contract';
import type { Core } from '../core/create-core';

/** The CLI runs the core in-process and calls it through the same dispatcher, with the same checks, as the UI. */
export async function coreCall<M extends Method>(core: Core, method: M, params: Params<M>): Promise<Result<M>> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  try {
    return (await core.dispatcher.call(method, params, {
      signal: controller.signal,
      openStream: () => {
        throw new Error(`${method} streams are not used by this command.`);
      },
    })) as Result<M>;
  } finally {
    process.off('SIGINT', stop);
  }
}
