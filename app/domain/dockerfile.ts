/** One instruction of a Dockerfile: the line it starts on (1-based) and its text with continuations joined. */
export interface Instruction {
  line: number;
  text: string;
}

/**
 * The instructions of a Dockerfile in order, as Docker's classic builder numbers its steps
 * ("Step k/n"), so a failing step can be shown with its line. Comments, blank lines and parser
 * directives are not steps; a line ending in the escape character continues on the next.
 */
export function dockerfileInstructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  let escape = '\\';
  // Parser directives (# escape=`) are only read before the first instruction or comment.
  for (const line of lines) {
    const directive = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(line);
    if (!directive) break;
    if (directive[1]?.toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) escape = directive[2];
  }
  const instructions: Instruction[] = [];
  let current: Instruction | null = null;
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (current === null && (line === '' || line.startsWith('#'))) return;
    // Comment lines inside a continued instruction are dropped, as Docker does.
    if (current !== null && line.startsWith('#')) return;
    const continues = line.endsWith(escape);
    const body = continues ? line.slice(0, -1).trim() : line;
    if (current === null) current = { line: index + 1, text: body };
    else if (body !== '') current.text = `${current.text} ${body}`;
    if (!continues) {
      instructions.push(current);
      current = null;
    }
  });
  if (current !== null) instructions.push(current);
  return instructions;
}
