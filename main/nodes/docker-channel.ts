import { Agent } from 'node:http';
import type { AgentOptions, ClientRequestArgs } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

/**
 * An http.Agent whose "sockets" are SSH channels to the node's Docker socket, so dockerode talks
 * to a remote daemon through the node's one SSH connection. Keep-alive lets many API calls share
 * a few channels; none of them costs a new SSH handshake.
 */
export class ChannelAgent extends Agent {
  constructor(
    private readonly openChannel: () => Promise<Duplex>,
    options: AgentOptions = { keepAlive: true, maxSockets: 16, maxFreeSockets: 4 },
  ) {
    super(options);
  }

  override createConnection(_options: ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): undefined {
    this.openChannel().then(
      (channel) => callback?.(null, asSocket(channel)),
      (error: unknown) => callback?.(error instanceof Error ? error : new Error(String(error)), undefined as unknown as Duplex),
    );
    return undefined;
  }
}

/** http only needs a few socket methods beyond a duplex stream; on a channel they have nothing to do. */
function asSocket(channel: Duplex): Socket {
  const shim = channel as Duplex & Partial<Record<'setKeepAlive' | 'setNoDelay' | 'setTimeout' | 'ref' | 'unref', (...args: unknown[]) => unknown>>;
  for (const method of ['setKeepAlive', 'setNoDelay', 'ref', 'unref'] as const) shim[method] ??= () => shim;
  shim.setTimeout ??= () => shim;
  return shim as unknown as Socket;
}
