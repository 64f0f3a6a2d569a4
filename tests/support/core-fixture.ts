import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Method, Params, Result } from '../../app/contract';
import type { BookmarkInput } from '../../app/contract';
import { Bookmark } from '../../app/contract';
import { createCore } from '../../main/core/create-core';
import type { Core, CoreOptions } from '../../main/core/create-core';
import type { CallContext } from '../../main/rpc/dispatcher';
import type { TestNode } from '../../e2e/testbed/test-node';
import type { TestUserName } from '../../e2e/testbed/users';

/** What a transport passes with a call; `openStream` gets any byte stream the call opens. */
export function callContext(openStream: CallContext['openStream'] = () => ({ stream: 'unused' })): CallContext {
  return { signal: new AbortController().signal, openStream };
}

export interface CoreFixture {
  core: Core;
  configDir: string;
  /** The user's known_hosts for this core (empty at first). */
  knownHosts: string;
  call: <M extends Method>(method: M, params: Params<M>) => Promise<Result<M>>;
  /** Trusts the node's current host key in the user's known_hosts, as a user who has ssh'd there before. */
  trust: (node: TestNode) => void;
}

/** A fresh core with its own config folder and known_hosts, as a new user on a new laptop. */
export function coreFixture(options: Partial<CoreOptions> = {}): CoreFixture {
  const configDir = mkdtempSync(join(tmpdir(), 'berth-core-'));
  const knownHosts = join(configDir, 'user_known_hosts');
  appendFileSync(knownHosts, '');
  const core = createCore({
    mode: 'cli',
    env: { ...process.env, BERTH_HOME: configDir },
    userKnownHosts: knownHosts,
    readyTimeoutMs: 5000,
    ...options,
  });
  return {
    core,
    configDir,
    knownHosts,
    call: (method, params) => core.dispatcher.call(method, params, callContext()) as Promise<Result<typeof method>>,
    trust(node) {
      const pub = readFileSync(join(node.dir, 'ssh', 'host_ed25519.pub'), 'utf8').split(' ');
      appendFileSync(knownHosts, `[127.0.0.1]:${node.port} ${pub[0]} ${pub[1]}\n`);
    },
  };
}

export function bookmarkFor(
  node: TestNode,
  name: string,
  user: TestUserName,
  auth: BookmarkInput['auth'],
  extra: Partial<BookmarkInput> = {},
): Bookmark {
  return Bookmark.parse({ name, host: node.host, port: node.port, user, auth, ...extra });
}
