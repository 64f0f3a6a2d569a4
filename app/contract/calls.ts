import { z } from 'zod';
import { AppInfo } from './app-info';
import { NodeList } from './nodes';

/** A call: what the caller sends, and what it gets back. Both are checked at run time on the back end. */
interface CallSpec<P extends z.ZodType, R extends z.ZodType> {
  params: P;
  result: R;
}

function call<P extends z.ZodType, R extends z.ZodType>(params: P, result: R): CallSpec<P, R> {
  return { params, result };
}

const NoParams = z.object({}).strict();

/** Every call the UI, the CLI and the tests can make of the core. Capabilities add theirs here. */
export const calls = {
  'app.info': call(NoParams, AppInfo),
  'nodes.list': call(NoParams, NodeList),
};

export type Calls = typeof calls;
export type Method = keyof Calls;
export type Params<M extends Method> = z.input<Calls[M]['params']>;
export type ParsedParams<M extends Method> = z.output<Calls[M]['params']>;
export type Result<M extends Method> = z.output<Calls[M]['result']>;

export function isMethod(name: string): name is Method {
  return Object.hasOwn(calls, name);
}
