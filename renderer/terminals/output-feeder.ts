/** What the feeder needs of an xterm. */
export interface Writable {
  write(data: Uint8Array, parsed: () => void): void;
}

/** A hidden tab's output goes into its xterm in pieces this small, so the tab in view waits for at most one to be parsed… */
export const HIDDEN_SLICE = 16 * 1024;
/** …at this pace (bytes per second), above the 4 MB/s floor: a training log in a background tab must not slow the training. */
export const HIDDEN_PACE = 5_000_000;

const CATCH_UP_MS = 100;

interface Pending {
  chunk: Uint8Array;
  done: () => void;
}

/**
 * Feeds one tab's output into its xterm. In view, each chunk goes in at once. Hidden, chunks wait
 * here and go in a slice at a time, one slice parsed before the next, paced to HIDDEN_PACE (or as
 * fast as xterm parses them, if slower): the tab in view keeps the rest of the thread for its
 * echo. A chunk is acknowledged (`done`) only once xterm has parsed it, so what waits here is
 * bounded by the stream's high-water mark, and a hidden flood slows its source instead of being
 * dropped. Shown again, the tab catches up at full speed.
 */
export class OutputFeeder {
  private readonly waiting: Pending[] = [];
  private visible = true;
  /** A hidden-mode slice is in xterm, or its next one is timed. */
  private busy = false;
  private disposed = false;
  /** When the next hidden slice is due, by the pace. */
  private due = 0;
  /**
   * Runs the next step as a task of its own: a chain of zero-delay timers is clamped to 4 ms after a
   * few links (and so is the timer xterm starts inside each write), which alone would cap a hidden
   * tab at 4 MB/s.
   */
  private readonly next = new MessageChannel();

  constructor(private readonly term: Writable) {
    this.next.port1.onmessage = () => this.step();
  }

  push(chunk: Uint8Array, done: () => void): void {
    if (this.visible && this.waiting.length === 0 && !this.busy) this.term.write(chunk, done);
    else {
      this.waiting.push({ chunk, done });
      if (!this.busy) {
        this.busy = true;
        this.next.port2.postMessage(null);
      }
    }
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible && !this.busy) this.flush();
  }

  dispose(): void {
    this.disposed = true;
    this.waiting.length = 0;
    this.next.port1.close();
  }

  /** Everything waiting goes to xterm now, in order (xterm keeps the order of its writes). */
  private flush(): void {
    for (const { chunk, done } of this.waiting.splice(0)) this.term.write(chunk, done);
  }

  private step(): void {
    if (this.disposed) return;
    if (this.visible) {
      this.busy = false;
      this.flush();
      return;
    }
    const head = this.waiting[0];
    if (!head) {
      this.busy = false;
      return;
    }
    this.busy = true;
    const slice = head.chunk.subarray(0, HIDDEN_SLICE);
    const last = slice.byteLength === head.chunk.byteLength;
    if (last) this.waiting.shift();
    else head.chunk = head.chunk.subarray(HIDDEN_SLICE);
    // Paced on a schedule, so a late timer is made up by the next pause; a backlog older than
    // CATCH_UP_MS (the tab was idle, or xterm is slower than the pace) is forgiven.
    const now = performance.now();
    if (this.due < now - CATCH_UP_MS) this.due = now;
    this.due += (slice.byteLength / HIDDEN_PACE) * 1000;
    this.term.write(slice, () => {
      if (last) head.done();
      const pause = this.due - performance.now();
      if (pause >= 1) setTimeout(() => this.next.port2.postMessage(null), pause);
      else this.next.port2.postMessage(null);
    });
  }
}
