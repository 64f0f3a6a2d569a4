import { WebglAddon } from '@xterm/addon-webgl';
import type { Terminal } from '@xterm/xterm';

/**
 * Which renderer draws a terminal: WebGL while it is in view (fast for floods of output), xterm's
 * DOM renderer otherwise, and for good once WebGL has failed or its context was lost.
 */
export class TerminalRenderer {
  kind = $state<'webgl' | 'dom'>('dom');
  private webgl: WebglAddon | null = null;
  private failed = false;

  constructor(private readonly term: Terminal) {}

  useWebgl(wanted: boolean): void {
    if (wanted && !this.webgl && !this.failed) {
      try {
        const addon = new WebglAddon();
        addon.onContextLoss(() => {
          this.failed = true;
          this.drop();
        });
        this.term.loadAddon(addon);
        this.webgl = addon;
        this.kind = 'webgl';
      } catch {
        // No WebGL2 here (no GPU, or blocked): the DOM renderer stays.
        this.failed = true;
      }
    } else if (!wanted) {
      this.drop();
    }
  }

  dispose(): void {
    this.drop();
  }

  private drop(): void {
    this.webgl?.dispose();
    this.webgl = null;
    this.kind = 'dom';
  }
}
