/**
 * Edits of ~/.gitconfig and ~/.git-credentials as text, keeping every line Berth does not own, so
 * a user's own settings survive and running the same edit twice changes nothing more.
 */

const HEADER = /^\s*\[([^\]"\s]+)(?:\s+"[^"]*")?\s*\]/;

interface Section {
  /** Index of the header line, or -1 for none. */
  start: number;
  /** Index one past the section's last line. */
  end: number;
}

function findSection(lines: string[], name: string): Section | null {
  for (let i = 0; i < lines.length; i++) {
    const match = HEADER.exec(lines[i] ?? '');
    // Only the plain section ([user]), not subsections ([remote "x"]).
    if (!match || match[1]?.toLowerCase() !== name || /"/.test(lines[i] ?? '')) continue;
    let end = i + 1;
    while (end < lines.length && !HEADER.test(lines[end] ?? '')) end++;
    return { start: i, end };
  }
  return null;
}

function keyLine(key: string): RegExp {
  return new RegExp(`^\\s*${key}\\s*(=|$)`, 'i');
}

/** A value as git writes it: quoted when it has comment characters or edge spaces, with \\ and " escaped. */
export function gitConfigValue(value: string): string {
  const escaped = value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\t/g, '\\t');
  return /[#;]|^\s|\s$/.test(value) || escaped !== value ? `"${escaped}"` : value;
}

/** A value as git reads it: quotes joined, escapes undone, a comment outside quotes cut off. */
function unquote(raw: string): string {
  let out = '';
  let quoted = false;
  let pendingSpace = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] ?? '';
    if (c === '\\') {
      const next = raw[++i] ?? '';
      out += pendingSpace + (next === 't' ? '\t' : next === 'n' ? '\n' : next);
      pendingSpace = '';
    } else if (c === '"') {
      out += pendingSpace;
      pendingSpace = '';
      quoted = !quoted;
    } else if (!quoted && (c === '#' || c === ';')) {
      break;
    } else if (!quoted && /\s/.test(c)) {
      // Unquoted spaces count only between words.
      if (out !== '') pendingSpace += c;
    } else {
      out += pendingSpace + c;
      pendingSpace = '';
    }
  }
  return out;
}

/** The value of section.key, or null. */
export function readGitConfig(text: string, section: string, key: string): string | null {
  const lines = text.split('\n');
  const found = findSection(lines, section);
  if (!found) return null;
  for (let i = found.start + 1; i < found.end; i++) {
    const line = lines[i] ?? '';
    if (keyLine(key).test(line)) return unquote(line.slice(line.indexOf('=') + 1));
  }
  return null;
}

/** Sets section.key = value, in place when set already, else at the end of its section (made if need be). */
export function setGitConfig(text: string, section: string, key: string, value: string): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const line = `\t${key} = ${gitConfigValue(value)}`;
  const found = findSection(lines, section);
  if (!found) return [...lines, `[${section}]`, line].join('\n') + '\n';
  for (let i = found.start + 1; i < found.end; i++) {
    if (keyLine(key).test(lines[i] ?? '')) {
      if (readGitConfig(lines.join('\n'), section, key) !== value) lines[i] = line;
      return lines.join('\n') + '\n';
    }
  }
  let last = found.end;
  while (last > found.start + 1 && (lines[last - 1] ?? '').trim() === '') last--;
  lines.splice(last, 0, line);
  return lines.join('\n') + '\n';
}

/** Removes section.key when it has `value` (any value when null); an emptied section goes too. */
export function unsetGitConfig(text: string, section: string, key: string, value: string | null): string {
  const lines = text.replace(/\n$/, '').split('\n');
  const found = findSection(lines, section);
  if (!found) return text;
  const kept = lines.filter((line, i) => {
    if (i <= found.start || i >= found.end || !keyLine(key).test(line)) return true;
    return value !== null && unquote(line.slice(line.indexOf('=') + 1)) !== value;
  });
  const after = findSection(kept, section);
  if (after && kept.slice(after.start + 1, after.end).every((line) => line.trim() === '')) kept.splice(after.start, after.end - after.start);
  return kept.length === 0 || (kept.length === 1 && kept[0] === '') ? '' : kept.join('\n') + '\n';
}

export interface GitCredential {
  host: string;
  username: string;
  token: string;
}

/** Percent-encodes only what would break the URL git reads back; git decodes it to the exact value. */
function encodePart(value: string): string {
  return [...value].map((c) => (/[A-Za-z0-9$()!*'_.~+,;=&-]/.test(c) ? c : encodeURIComponent(c))).join('');
}

export function credentialLine(credential: GitCredential): string {
  return `https://${encodePart(credential.username)}:${encodePart(credential.token)}@${credential.host.toLowerCase()}`;
}

/** The hosts ~/.git-credentials holds logins for (never their tokens). */
export function credentialHosts(text: string): string[] {
  return [
    ...new Set(
      text
        .split('\n')
        .map((line) => /^https?:\/\/[^@\s]*@([^/\s]+)/.exec(line.trim())?.[1]?.toLowerCase())
        .filter((host): host is string => host !== undefined),
    ),
  ];
}

/** Replaces the lines of these hosts with new ones, keeping the others. */
export function setCredentials(text: string, credentials: GitCredential[]): string {
  const hosts = new Set(credentials.map((c) => c.host.toLowerCase()));
  return [...withoutHosts(text, hosts), ...credentials.map(credentialLine)].join('\n') + '\n';
}

/** Removes the lines of these hosts. */
export function removeCredentials(text: string, hosts: string[]): string {
  const kept = withoutHosts(text, new Set(hosts.map((host) => host.toLowerCase())));
  return kept.length ? kept.join('\n') + '\n' : '';
}

function withoutHosts(text: string, hosts: Set<string>): string[] {
  return text.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    const host = /^https?:\/\/[^@\s]*@([^/\s]+)/.exec(line.trim())?.[1]?.toLowerCase();
    return host === undefined || !hosts.has(host);
  });
}
