/**
 * Bytes of a build context that a window sends in pieces (browser mode has no file paths): each
 * piece is held until the tar takes it, so the sender waits for the node and memory stays small.
 */
export class UploadQueue {
  private pieces: { data: Uint8Array; taken: () => void }[] = [];
  private waiting: (() => void) | null = null;
  private failure: Error | null = null;

  /** Resolves once the piece has been taken into the tar. */
  push(data: Uint8Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve) => {
      this.pieces.push({ data, taken: resolve });
      this.wake();
    });
  }

  /** Stops the upload: senders and the tar both see `error`. */
  fail(error: Error): void {
    this.failure ??= error;
    for (const piece of this.pieces) piece.taken();
    this.pieces = [];
    this.wake();
  }

  /** Exactly `size` bytes, as they arrive; a piece may span files. */
  async *take(size: number): AsyncIterable<Uint8Array> {
    let left = size;
    while (left > 0) {
      if (this.failure) throw this.failure;
      const piece = this.pieces[0];
      if (!piece) {
        await new Promise<void>((resolve) => (this.waiting = resolve));
        continue;
      }
      if (piece.data.byteLength <= left) {
        this.pieces.shift();
        left -= piece.data.byteLength;
        piece.taken();
        yield piece.data;
      } else {
        const part = piece.data.subarray(0, left);
        piece.data = piece.data.subarray(left);
        left = 0;
        yield part;
      }
    }
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }
}
