import type { Page } from '@playwright/test';

/** What xterm.js keeps per cell of a buffer line (three 32-bit words), and what the rest of the page may take. */
const BYTES_PER_CELL = 12;
const PAGE_BASE_MB = 120;
const FLOOD_MS = 5000;

interface Steps {
  tabs: number;
  lines: number;
  fork(): Promise<void>;
  attach(): Promise<void>;
  settings(terminal: Record<string, unknown>): Promise<void>;
}

/**
 * Opens `tabs` tabs (the attach and forks of one session), prints `lines` lines in each so each
 * scrollback is full, floods the last one for a few seconds, and reads the renderer's memory
 * after a garbage collection: the JS heap and the typed arrays' backing stores outside it
 * (where xterm's buffer lines live). The stated bound is the scrollback's cells at xterm's
 * 12 bytes each, plus a base for the app itself.
 */
export async function rendererMemory(page: Page, steps: Steps): Promise<{ line: string; heap: number; bound: number }> {
  await steps.settings({ gpuAcceleration: 'off', scrollback: steps.lines });
  await steps.attach();
  const fill = `seq 1 ${steps.lines}\n`;
  await page.keyboard.type(fill);
  for (let i = 1; i < steps.tabs; i++) {
    await steps.fork();
    await page.keyboard.type(fill);
  }
  await page.keyboard.type('yes\n');
  await page.waitForTimeout(FLOOD_MS);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  await page.keyboard.press('Control+C');
  const cols = Number(await page.locator('[data-testid^="terminal-"]:visible').getAttribute('data-cols'));
  const jsHeap = (metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN) / 1e6;
  const backing = (usage.backingStorageSize ?? 0) / 1e6;
  const heap = jsHeap + backing;
  const bound = (steps.tabs * (steps.lines + 50) * cols * BYTES_PER_CELL) / 1e6 + PAGE_BASE_MB;
  const line = `Renderer memory, ${steps.tabs} tabs × ${steps.lines} lines (${cols} columns), one flooding: JS heap ${jsHeap.toFixed(0)} MB + array buffers ${backing.toFixed(0)} MB = ${heap.toFixed(0)} MB (bound: ${steps.tabs} × ${steps.lines} lines × ${cols} cells × ${BYTES_PER_CELL} B + ${PAGE_BASE_MB} MB = ${bound.toFixed(0)} MB)`;
  return { line, heap, bound };
}
