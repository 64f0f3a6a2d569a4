import { calls } from '../../app/contract';
import type { AppInfo } from '../../app/contract';
import { configDir } from '../config/config-dir';
import { Dispatcher } from '../rpc/dispatcher';
import { localDockerSocket } from '../nodes/local-docker';
import { listNodes } from '../nodes/nodes-service';
import { version } from './version';

export interface CoreOptions {
  mode: AppInfo['mode'];
  env?: NodeJS.ProcessEnv;
}

/** Wires every capability's handlers into the one dispatcher that all transports share. */
export function createCore(options: CoreOptions): Dispatcher<typeof calls> {
  const env = options.env ?? process.env;
  const localSocket = localDockerSocket(env);
  return new Dispatcher(calls, {
    'app.info': () => Promise.resolve({ version, mode: options.mode, configDir: configDir(env) }),
    'nodes.list': () => listNodes(localSocket),
  });
}
