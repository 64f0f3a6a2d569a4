import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { BerthError, Bookmark } from '../../app/contract';

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** Host aliases that name one host, not patterns: only those become bookmarks. */
function aliasesOf(config: SSHConfig): string[] {
  const aliases: string[] = [];
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values = typeof line.value === 'string' ? line.value.split(/\s+/) : line.value.map((v) => v.val);
    for (const alias of values) if (!/[*?!]/.test(alias) && !aliases.includes(alias)) aliases.push(alias);
  }
  return aliases;
}

/** The % tokens ssh expands in HostName and IdentityFile (the library leaves them as written). */
function expandTokens(value: string, tokens: Record<string, string>): string {
  return value.replace(/%([%a-zA-Z])/g, (whole, letter: string) => (letter === '%' ? '%' : (tokens[letter] ?? whole)));
}

const SAFE_NAME = /[^A-Za-z0-9._-]/g;

/**
 * Reads an OpenSSH client config (default ~/.ssh/config) and proposes a bookmark for each named
 * host, with HostName, User, Port, IdentityFile and ProxyJump resolved as `ssh` would resolve them
 * (Match exec is never run). A user with a working `ssh gpu-node-3` gets a working bookmark.
 */
export async function importSshConfig(file = join(homedir(), '.ssh', 'config')): Promise<{ file: string; bookmarks: Bookmark[]; skipped: string[] }> {
  const path = expandHome(file);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new BerthError('not-found', error.code === 'ENOENT' ? `There is no SSH config at ${path}.` : `${path} cannot be read: ${error.message}.`);
  });
  const config = SSHConfig.parse(text);
  const bookmarks: Bookmark[] = [];
  const skipped: string[] = [];

  for (const alias of aliasesOf(config)) {
    const computed = config.compute(alias, { ignoreCase: true, matchExec: false });
    const host = expandTokens(first(computed.hostname) ?? alias, { h: alias });
    const user = first(computed.user) ?? userInfo().username;
    const rawIdentity = first(computed.identityfile);
    const identity = rawIdentity && expandTokens(rawIdentity, { h: host, r: user, u: userInfo().username, d: homedir() });
    const proxyJump = first(computed.proxyjump);
    const jumpAlias = proxyJump && proxyJump !== 'none' ? proxyJump.split(',')[0]?.replace(/^.*@/, '').replace(/:\d+$/, '') : undefined;
    const candidate = {
      name: alias.replace(SAFE_NAME, '-'),
      host,
      port: Number(first(computed.port) ?? 22),
      user,
      auth: identity ? { kind: 'key', keyFile: expandHome(identity) } : { kind: 'agent' },
      ...(jumpAlias ? { jump: jumpAlias.replace(SAFE_NAME, '-') } : {}),
    };
    const parsed = Bookmark.safeParse(candidate);
    if (parsed.success) bookmarks.push(parsed.data);
    else skipped.push(`${alias}: ${parsed.error.issues[0]?.message ?? 'not usable'}`);
  }

  // A ProxyJump to a host that has no Host entry of its own cannot be followed: say so, keep the rest.
  const names = new Set(bookmarks.map((b) => b.name));
  return {
    file: path,
    bookmarks: bookmarks.filter((b) => {
      if (b.jump === undefined || names.has(b.jump)) return true;
      skipped.push(`${b.name}: its ProxyJump ${b.jump} has no Host entry of its own; add one, then import again`);
      return false;
    }),
    skipped,
  };
}
