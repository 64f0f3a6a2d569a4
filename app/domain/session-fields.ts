import { commandWords } from './command-words';

/**
 * The New session form's fields (and `berth session create`'s flags) as the user typed them, each
 * checked on its own and explained in the user's words, so the dialog can show each problem
 * beside its field and the CLI can print the same sentence after the flag's name.
 */
export interface SessionFieldsText {
  gpus: string;
  name: string;
  /** A command as text, split as a shell would; the CLI passes its argv instead. */
  command: string | string[];
  cpus: string;
  memory: string;
  sharedMemory: string;
  env: string[];
  mounts: string[];
  ports: string[];
  workdir: string;
}

export type SessionField = keyof SessionFieldsText;

/**
 * What is known about the node chosen: how many GPUs it has. Unknown (left out), the count is only
 * bounded by what a session may hold; 'later' leaves the bound to a second check once the node answered.
 */
export interface NodeFacts {
  node: string;
  gpuTotal?: number | 'later' | undefined;
}

export interface SessionFieldValues {
  gpus: number;
  name?: string;
  command: string[];
  cpus?: number;
  memory?: string;
  sharedMemory?: string;
  env: string[];
  mounts: { source: string; target: string; readOnly: boolean }[];
  ports: number[];
  workdir?: string;
}

export type SessionFieldsResult = { ok: true; values: SessionFieldValues } | { ok: false; errors: Partial<Record<SessionField, string>> };

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const SIZE = /^\d+(\.\d+)?\s*[kmgt]?i?b?$/i;
const ENV = /^[A-Za-z_][A-Za-z0-9_]*=/;
const ABSOLUTE = /^\/[^\0:]*$/;
const MAX_GPUS = 64;

/** The GPU count: a whole number, not negative, no more than the node has. */
export function gpuProblem(text: string, facts: NodeFacts): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (!/^-?\d+$/.test(trimmed)) return `"${trimmed}" is not a number of GPUs: give a whole number, like 0, 1 or 4.`;
  const count = Number(trimmed);
  if (count < 0) return 'The number of GPUs cannot be negative: give 0 for none.';
  if (facts.gpuTotal === 'later') return null;
  if (facts.gpuTotal !== undefined && count > facts.gpuTotal)
    return facts.gpuTotal === 0 ? `${facts.node} has no GPUs: give 0, or pick a GPU node.` : `${facts.node} has only ${facts.gpuTotal} GPUs.`;
  if (count > MAX_GPUS) return `A session can hold at most ${MAX_GPUS} GPUs.`;
  return null;
}

function entriesProblem(entries: string[], check: (entry: string) => string | null): string | null {
  for (const entry of entries) {
    const problem = check(entry);
    if (problem) return problem;
  }
  return null;
}

function mount(entry: string): { source: string; target: string; readOnly: boolean } | string {
  const [source = '', target = '', mode, ...rest] = entry.split(':');
  if (!source || !target || rest.length > 0 || (mode !== undefined && mode !== 'ro' && mode !== 'rw'))
    return `"${entry}" is not a mount: write SRC:DST, or SRC:DST:ro for read-only.`;
  if (!ABSOLUTE.test(source) || !ABSOLUTE.test(target)) return `"${entry}": both folders of a mount are absolute paths, starting with /.`;
  return { source, target, readOnly: mode === 'ro' };
}

function port(entry: string): number | string {
  const value = /^\d{1,5}$/.test(entry) ? Number(entry) : NaN;
  return Number.isInteger(value) && value >= 1 && value <= 65535
    ? value
    : `"${entry}" is not a port: give a whole number from 1 to 65535, like 8888.`;
}

/** Checks every field; either all the values, or one sentence per field that is wrong. */
export function checkSessionFields(text: SessionFieldsText, facts: NodeFacts): SessionFieldsResult {
  const errors: Partial<Record<SessionField, string>> = {};
  const gpus = gpuProblem(text.gpus, facts);
  if (gpus) errors.gpus = gpus;
  const name = text.name.trim();
  if (name && !NAME.test(name)) errors.name = 'A session name is 1 to 63 letters, digits, _ . or -, starting with a letter or digit.';
  const words = typeof text.command === 'string' ? commandWords(text.command) : { ok: true as const, argv: text.command };
  if (!words.ok) errors.command = words.problem;
  const cpus = text.cpus.trim();
  if (cpus && !(Number(cpus) > 0 && Number(cpus) <= 1024)) errors.cpus = `"${cpus}" is not a number of CPUs: give a positive number, like 4 or 0.5.`;
  for (const field of ['memory', 'sharedMemory'] as const) {
    const size = text[field].trim();
    if (size && !SIZE.test(size)) errors[field] = `"${size}" is not a size: give one like 512m, 16g or 1.5g.`;
  }
  const env = entriesProblem(text.env, (entry) =>
    ENV.test(entry) ? null : `"${entry}" is not KEY=VALUE: write it as ${/^[A-Za-z_]\w*$/.test(entry) ? entry : 'NAME'}=value.`,
  );
  if (env) errors.env = env;
  const mounts = text.mounts.map(mount);
  const badMount = mounts.find((m) => typeof m === 'string');
  if (badMount) errors.mounts = badMount;
  const ports = text.ports.map(port);
  const badPort = ports.find((p) => typeof p === 'string');
  if (badPort) errors.ports = badPort;
  else if (ports.length > 32) errors.ports = 'A session can declare at most 32 ports.';
  const workdir = text.workdir.trim();
  if (workdir && !ABSOLUTE.test(workdir)) errors.workdir = `"${workdir}" is not an absolute path: start it with /.`;
  if (Object.keys(errors).length > 0 || !words.ok) return { ok: false, errors };
  return {
    ok: true,
    values: {
      gpus: text.gpus.trim() ? Number(text.gpus.trim()) : 0,
      command: words.argv,
      env: text.env,
      mounts: mounts.filter((m) => typeof m !== 'string'),
      ports: ports.filter((p) => typeof p === 'number'),
      ...(name ? { name } : {}),
      ...(cpus ? { cpus: Number(cpus) } : {}),
      ...(text.memory.trim() ? { memory: text.memory.trim() } : {}),
      ...(text.sharedMemory.trim() ? { sharedMemory: text.sharedMemory.trim() } : {}),
      ...(workdir ? { workdir } : {}),
    },
  };
}
