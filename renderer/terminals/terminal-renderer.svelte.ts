import { WebglAddon } from '@xterm/addon-webgl';
import type { Terminal } from '@xterm/xterm';

/** Whether WebGL is drawn by a GPU here; a software rasterizer (SwiftShader, llvmpipe) is far slower than the DOM renderer. */
let hardwareWebgl: boolean | undefined;
function webglOnGpu(): boolean {
  if (hardwareWebgl === undefined) {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    const renderer = gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
    hardwareWebgl = gl !== null && !/swiftshader|llvmpipe|softpipe|software/i.test(renderer);
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  }
  return hardwareWebgl;
}

/**
 * Which renderer draws a terminal: WebGL while it is in view (fast for floods of output) when the
 * setting asks for it ("on"), or allows it and a GPU draws it ("auto"); xterm's DOM renderer
 * otherwise, and for good once WebGL has failed or its context was lost.
 */
export class TerminalRenderer {
  kind = $state<'webgl' | 'dom'>('dom');
  private webgl: WebglAddon | null = null;
  private failed = false;

  constructor(private readonly term: Terminal) {}

  use(setting: 'auto' | 'on' | 'off', visible: boolean): void {
    const wanted = visible && (setting === 'on' || (setting === 'auto' && webglOnGpu()));
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
