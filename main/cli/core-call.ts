import type { Readable } from 'node:stream';
import type { Method, Params, Result } from '../../app/contract';
import type { Core } from '../core/create-core';

/**
 * The CLI runs the core in-process and calls it through the same dispatcher, with the same
 * checks, as the UI. Ctrl+C cancels the call. A call that opens a stream hands it to `onStream`.
 */
export async function coreCall<M extends Method>(
  core: Core,
  method: M,
  params: Params<M>,
  onStream?: (source: Readable) => void,
): Promise<Result<M>> {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  try {
    return (await core.dispatcher.call(method, params, {
      signal: controller.signal,
      openStream: (source) => {
        if (!onStream) throw new Error(`${method} opened a stream this command does not read.`);
        onStream(source);
        return { stream: 'cli' };
      },
    })) as Result<M>;
  } finally {
    process.off('SIGINT', stop);
  }
}
