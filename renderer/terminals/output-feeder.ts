/** What the feeder needs of an xterm. */
export interface Writable {
  write(data: Uint8Array, parsed: () => void): void;
}

/** A hidden tab's output goes into its xterm in pieces this small, so the tab in view waits for at most one to be parsed… */
export const HIDDEN_SLICE = 16 * 1024;
/** …taking at most this share of the page's thread… */
const HIDDEN_SHARE = 0.25;
/** …unless that would slow it below this floor (bytes per second): a training log in a background tab must not slow the training. */
export const HIDDEN_FLOOR = 4_500_000;

interface Pending {
  chunk: Uint8Array;
  done: () => void;
}

/**
 * Feeds one tab's output into its xterm. In view, each chunk goes in at once. Hidden, chunks wait
 * here and go in a slice at a time, one slice parsed before the next, with a pause after each so
 * that parsing takes a quarter of the page's thread at most (but never so long a pause that the
 * tab falls below HIDDEN_FLOOR): the tab in view keeps the thread for its echo. A chunk is
 * acknowledged (`done`) only once xterm has parsed it, so what waits here is bounded by the
 * stream's high-water mark, and a hidden flood slows its source instead of being dropped. Shown
 * again, the tab catches up at full speed.
 */
export class OutputFeeder {
  private readonly waiting: Pending[] = [];
  private visible = true;
  /** A hidden-mode slice is in xterm, or its next one is timed. */
  private busy = false;
  private disposed = false;
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
    const started = performance.now();
    this.term.write(slice, () => {
      if (last) head.done();
      const took = performance.now() - started;
      const pause = Math.min((took * (1 - HIDDEN_SHARE)) / HIDDEN_SHARE, (slice.byteLength / HIDDEN_FLOOR) * 1000 - took);
      if (pause >= 1) setTimeout(() => this.next.port2.postMessage(null), pause);
      else this.next.port2.postMessage(null);
    });
  }
}
