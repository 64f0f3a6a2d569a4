// Code passed to evaluate() runs in the page.
/// <reference lib="dom" />
import type { Browser, Page } from '@playwright/test';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * The true ceiling of a terminal tab: xterm.js alone, in a page of the same browser with the same
 * size, font and scrollback as Berth's, fed the same bytes from memory (no transport at all), as
 * fast as its write callbacks allow. Its DOM renderer draws as Berth's does in headless Chromium.
 */
export async function xtermPage(browser: Browser, viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  await page.setContent('<!doctype html><body style="margin:0;background:#111"><div id="t" style="width:100vw;height:100vh"></div></body>');
  await page.addStyleTag({ path: require.resolve('@xterm/xterm/css/xterm.css') });
  await page.addScriptTag({ path: require.resolve('@xterm/xterm/lib/xterm.js') });
  await page.evaluate(() => {
    // The UMD build puts its exports on globalThis.
    const { Terminal } = window as unknown as { Terminal: new (options: object) => XTerm };
    const term = new Terminal({ scrollback: 10_000, fontSize: 13, fontFamily: 'ui-monospace, "DejaVu Sans Mono", monospace', cursorBlink: true });
    term.open(document.getElementById('t') as HTMLElement);
    (window as unknown as { term: XTerm }).term = term;
    interface XTerm {
      open(host: HTMLElement): void;
    }
  });
  return page;
}

/**
 * Writes `bytes` of 'a' (or of `yes`'s "y\r\n" lines) into the page's xterm in 64 KiB chunks, at
 * most 1 MiB unparsed at a time; resolves with the milliseconds until parsed.
 */
export function feedXterm(page: Page, bytes: number, lines = false): Promise<number> {
  return page.evaluate(
    async ([total, yes]) => {
      const term = (window as unknown as { term: { write(data: Uint8Array, done: () => void): void } }).term;
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      if (yes) for (let i = 0; i + 2 < chunk.byteLength; i += 3) chunk.set([0x79, 0x0d, 0x0a], i);
      const started = performance.now();
      let written = 0;
      let parsed = 0;
      await new Promise<void>((resolve) => {
        const pump = (): void => {
          while (written < total && written - parsed < 1024 * 1024) {
            const piece = chunk.subarray(0, Math.min(chunk.byteLength, total - written));
            written += piece.byteLength;
            term.write(piece, () => {
              parsed += piece.byteLength;
              if (parsed >= total) resolve();
              else pump();
            });
          }
        };
        pump();
      });
      return performance.now() - started;
    },
    [bytes, lines] as const,
  );
}
