import { createHmac } from 'node:crypto';

/**
 * OpenSSH's known_hosts format, read by hand: no maintained npm package reads hashed entries,
 * [host]:port forms, wildcards and markers together, and the format is small and stable.
 */
export interface KnownHostLine {
  marker?: '@revoked' | '@cert-authority';
  hosts: string;
  keyType: string;
  key: string;
}

export function parseKnownHosts(text: string): KnownHostLine[] {
  return text.split('\n').flatMap((raw) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return [];
    const fields = line.split(/\s+/);
    const marker = fields[0] === '@revoked' || fields[0] === '@cert-authority' ? fields.shift() : undefined;
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) return [];
    return [marker ? { marker: marker as KnownHostLine['marker'] & string, hosts, keyType, key } : { hosts, keyType, key }];
  });
}

/** How OpenSSH names a host in known_hosts: bare on port 22, else "[host]:port". */
export function hostEntryName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function globMatches(pattern: string, name: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(name);
}

function hashedMatches(pattern: string, name: string): boolean {
  const [, magic, salt, hash] = pattern.split('|');
  if (magic !== '1' || !salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

/** Whether a line's host list names this host: hashed entries, wildcards, and !negations included. */
export function lineMatches(line: KnownHostLine, host: string, port: number): boolean {
  const name = hostEntryName(host, port);
  let matched = false;
  for (const pattern of line.hosts.split(',')) {
    if (pattern.startsWith('|')) {
      if (hashedMatches(pattern, name)) matched = true;
    } else if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), name)) return false;
    } else if (globMatches(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

export interface KnownKey {
  /** The key type as the line names it, e.g. "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256". */
  type: string;
  /** The base64 key blob. */
  key: string;
}

export interface KnownKeys {
  /** Keys known for the host, of every type. */
  trusted: KnownKey[];
  revoked: string[];
}

export function keysFor(lines: KnownHostLine[], host: string, port: number): KnownKeys {
  const known: KnownKeys = { trusted: [], revoked: [] };
  for (const line of lines) {
    if (line.marker === '@revoked') known.revoked.push(line.key);
    else if (line.marker !== '@cert-authority' && lineMatches(line, host, port)) known.trusted.push({ type: line.keyType, key: line.key });
  }
  return known;
}

/**
 * What known_hosts says of a key a host presents, as OpenSSH reads it: a key is compared only with
 * the host's known keys of its own type. One of them matching means known; known keys of that type
 * that all differ mean the key changed; no known key of that type (say an ed25519 key where only
 * the RSA key was recorded) means unknown, to be asked about, never "changed".
 */
export function judgeKey(known: KnownKeys, type: string, key: string): 'known' | 'unknown' | 'changed' | 'revoked' {
  if (known.revoked.includes(key)) return 'revoked';
  const sameType = known.trusted.filter((entry) => entry.type === type);
  if (sameType.some((entry) => entry.key === key)) return 'known';
  return sameType.length > 0 ? 'changed' : 'unknown';
}
