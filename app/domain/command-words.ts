import { parse } from 'shell-quote';

export type CommandWords = { ok: true; argv: string[] } | { ok: false; problem: string };

/**
 * A command typed as text, split into the words a shell would pass (quotes and backslashes as
 * sh reads them), by shell-quote. No shell runs it: operators (|, ;, &&, >) are refused with
 * what to write instead, `$NAME` stays as typed, and a glob is passed as its pattern.
 */
export function commandWords(text: string): CommandWords {
  if (!text.trim()) return { ok: true, argv: [] };
  const open = openQuote(text);
  if (open)
    return { ok: false, problem: `The command ends inside ${open === '\\' ? 'an escape: drop the trailing \\' : `a ${open} quote: close it`}.` };
  const argv: string[] = [];
  for (const entry of parse(text, (name) => `$${name}`)) {
    if (typeof entry === 'string') argv.push(entry);
    else if ('comment' in entry) break;
    else if (entry.op === 'glob') argv.push(entry.pattern);
    else
      return {
        ok: false,
        problem: `"${entry.op}" needs a shell, and the command runs without one: write it as sh -c '…' with the whole line inside the quotes.`,
      };
  }
  return { ok: true, argv };
}

/**
 * The quote left open at the end of `text`, if any. shell-quote reads an unclosed quote as if it
 * were not there (`'echo hi` as two words), where a shell refuses the line; this only tracks
 * which quote is open, the splitting stays shell-quote's.
 */
function openQuote(text: string): "'" | '"' | '\\' | null {
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && quote !== "'") {
      if (i === text.length - 1) return '\\';
      i++;
    } else if (quote === null && (char === "'" || char === '"')) quote = char;
    else if (char === quote) quote = null;
  }
  return quote;
}

/** An argv as the user can read it back: each word in the quotes a shell would need. */
export function showArgv(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`)).join(' ');
}
