// Code passed to addInitScript()/evaluate() runs in the page.
/// <reference lib="dom" />
import { existsSync, readFileSync } from 'node:fs';

/**
 * A keystroke's echo split into its hops. The page side comes from `window.berthLatencyMarks`
 * (installed here before the app loads; renderer/terminals/latency-marks.ts calls it) and from
 * wrapping the page's WebSocket; the server side from the trace `berth serve` writes when
 * BERTH_LATENCY_TRACE names a file (main/rpc/latency-trace.ts). All are wall-clock milliseconds
 * (timeOrigin + now) on one machine, so they line up across the two processes.
 */
export const HOPS = ['keydown', 'sent', 'recv', 'input', 'ssh', 'echo', 'ws', 'arrived', 'handed', 'parsed', 'painted'] as const;
type Hop = (typeof HOPS)[number];

const STAGE_NAMES: Record<Hop, string> = {
  keydown: '',
  sent: 'page: key down → sent on the WebSocket',
  recv: 'WebSocket → main reads the call',
  input: 'main: call checked and dispatched',
  ssh: 'main: written to the SSH channel',
  echo: 'node round trip (SSH, Docker, shell) back to main',
  ws: 'main: stream → WebSocket frame sent',
  arrived: 'WebSocket → page message event',
  handed: 'page: message → handed to xterm',
  parsed: 'page: xterm parsed it',
  painted: 'page: parsed → painted (next frame)',
};

export interface KeyTiming {
  terminal: string;
  stream: string;
  at: Partial<Record<Hop, number>>;
  /** The page's clock minus the Node processes' (a page load sets its own time origin). */
  offset?: number;
}

/** The page's side: marks and byte counts per stream; installed with page.addInitScript. */
export function installPageMarks(): void {
  type Marks = {
    marks: [number, string, string][];
    parsedBytes: Record<string, number>;
    frames: Record<string, number>;
    tabs: Record<string, string[]>;
  };
  const now = (): number => performance.timeOrigin + performance.now();
  const state: Marks & { mark(hop: string, id: string, bytes?: number): void } = {
    marks: [],
    parsedBytes: {},
    frames: {},
    tabs: {},
    mark(hop, id, bytes) {
      if (hop === 'open') {
        const [key = '', terminal = '', stream = ''] = id.split(' ');
        this.tabs[key] = [terminal, stream];
        return;
      }
      if (hop === 'parsed' && bytes) {
        this.parsedBytes[id] = (this.parsedBytes[id] ?? 0) + bytes;
        this.frames[id] = (this.frames[id] ?? 0) + 1;
      }
      if (this.marks.length < 20_000) this.marks.push([now(), hop, id]);
    },
  };
  (window as unknown as { berthLatencyMarks: typeof state }).berthLatencyMarks = state;
  // The originals, taken as plain functions so the wrappers can call them on each socket.
  const send = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'send')?.value as (this: WebSocket, data: unknown) => void;
  WebSocket.prototype.send = function (this: WebSocket, data: string | ArrayBufferLike | Blob | ArrayBufferView) {
    if (typeof data === 'string' && data.includes('"terminals.input"')) state.mark('sent', /"terminal":"(\w+)"/.exec(data)?.[1] ?? '');
    send.call(this, data);
  };
  const add = Object.getOwnPropertyDescriptor(EventTarget.prototype, 'addEventListener')?.value as (
    this: WebSocket,
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ) => void;
  WebSocket.prototype.addEventListener = function (
    this: WebSocket,
    type: string,
    listener: EventListenerOrEventListenerObject,
    options?: boolean | AddEventListenerOptions,
  ) {
    if (type !== 'message' || typeof listener !== 'function') return add.call(this, type, listener, options);
    const wrapped = (event: Event): void => {
      const data = (event as MessageEvent<unknown>).data;
      if (data instanceof ArrayBuffer) {
        const bytes = new Uint8Array(data);
        state.mark('arrived', String.fromCharCode(...bytes.subarray(1, 1 + (bytes[0] ?? 0))));
      }
      listener(event);
    };
    add.call(this, type, wrapped, options);
  } as typeof WebSocket.prototype.addEventListener;
}

/** The server's trace lines: [ms, hop, id]. */
export function readServerTrace(file: string): [number, string, string][] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [t = '0', hop = '', id = ''] = line.split(' ');
      return [Number(t), hop, id];
    });
}

/** Fills each key's server hops: the first of each, for its terminal or stream, between its key down and its paint. */
export function joinServerTrace(keys: KeyTiming[], trace: [number, string, string][]): void {
  for (const key of keys) {
    // Server times on the page's clock.
    const shift = key.offset ?? 0;
    const from = (key.at.keydown ?? 0) - shift - 2;
    const to = (key.at.painted ?? Infinity) - shift + 2;
    const find = (hop: string, id: string, after: number): number | undefined => {
      const found = trace.find(([t, h, i]) => h === hop && i === id && t >= after && t <= to)?.[0];
      return found === undefined ? undefined : found + shift;
    };
    for (const hop of ['recv', 'input', 'ssh'] as const) key.at[hop] = find(hop, key.terminal, from);
    const after = key.at.ssh === undefined ? from : key.at.ssh - shift;
    for (const hop of ['echo', 'ws'] as const) key.at[hop] = find(hop, key.stream, after);
  }
}

export function percentile(values: number[], p: number): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** One table per run: each hop's p50 and p99 and its share of key down → painted at p50. */
export function stageTable(title: string, keys: KeyTiming[]): string {
  const total = percentile(
    keys.map((k) => (k.at.painted ?? NaN) - (k.at.keydown ?? NaN)),
    50,
  );
  const lines = [`  ${title}: stages (p50 / p99 per hop; share of the key down → painted p50 of ${total.toFixed(1)} ms)`];
  for (let i = 1; i < HOPS.length; i++) {
    const hop = HOPS[i] as Hop;
    // A hop with no timestamp (e.g. no server trace) is measured from the last one that has one.
    const spans = keys.map((k) => {
      const end = k.at[hop];
      let j = i - 1;
      while (j > 0 && k.at[HOPS[j] as Hop] === undefined) j--;
      const start = k.at[HOPS[j] as Hop];
      return end === undefined || start === undefined ? NaN : end - start;
    });
    const p50 = percentile(spans, 50);
    lines.push(
      `    ${STAGE_NAMES[hop].padEnd(52)} ${p50.toFixed(2).padStart(7)} / ${percentile(spans, 99).toFixed(2).padStart(7)} ms  ${((100 * p50) / total).toFixed(0).padStart(3)}%`,
    );
  }
  return lines.join('\n');
}

export function span(keys: KeyTiming[], from: Hop, to: Hop): number[] {
  return keys.map((k) => (k.at[to] ?? NaN) - (k.at[from] ?? NaN));
}
