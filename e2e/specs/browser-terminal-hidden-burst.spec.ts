// Code passed to addInitScript()/evaluate() runs in the page.
/// <reference lib="dom" />
import { expect, test } from '../fixtures';
import { shellSession } from '../shell-session';

/** `seq 1 6000000` through a TTY: 40,888,896 digits and 6,000,000 "\r\n". */
const BURST_BYTES = 52_888_896;
/** Besides the burst, the tab prints the command's echo, the closing line and a prompt. */
const AROUND_BYTES = 400;

/** Counts, per tab, the bytes its xterm has parsed (the hook renderer/terminals/latency-marks.ts calls when it is there). */
function countParsedBytes(): void {
  const state = {
    streams: {} as Record<string, string>,
    parsed: {} as Record<string, number>,
    mark(hop: string, id: string, bytes?: number): void {
      if (hop === 'open') {
        const [key = '', , stream = ''] = id.split(' ');
        this.streams[key] = stream;
      } else if (hop === 'parsed') this.parsed[id] = (this.parsed[id] ?? 0) + (bytes ?? 0);
    },
  };
  (window as unknown as { berthLatencyMarks: typeof state }).berthLatencyMarks = state;
}

test('a hidden tab keeps parsing a 50 MB burst, and all of it is there when the tab is shown again', async ({ app, serve }) => {
  // 50 MB of short lines is xterm.js's slowest diet: on a busy 2-core machine it parses them at a few MB/s.
  test.setTimeout(240_000);
  await app.addInitScript(countParsedBytes);
  await app.reload();
  const { sessions } = await shellSession(app, serve, 'gpu-b', 'e2e-burst');
  // The burst runs in a new shell (Docker would also log an attach tab's 50 MB on the node).
  await app.getByRole('button', { name: 'New terminal in this session' }).click();
  await expect(app.getByRole('tab')).toHaveCount(2);
  await expect(sessions.screen).toContainText('$', { timeout: 30_000 });
  const key = ((await app.locator('[data-testid^="terminal-"]:visible').getAttribute('data-testid')) ?? '').slice('terminal-'.length);
  const parsed = (): Promise<number> =>
    app.evaluate((tab) => {
      const state = (window as unknown as { berthLatencyMarks: { streams: Record<string, string>; parsed: Record<string, number> } })
        .berthLatencyMarks;
      return state.parsed[state.streams[tab] ?? ''] ?? 0;
    }, key);
  const before = await parsed();

  // The burst starts once the tab is hidden behind the session's first one, which still answers at once.
  await sessions.type('sleep 2; seq 1 6000000; echo burst-$((40+2))\n');
  await sessions.tab(/e2e-burst · gpu-b · attach/).click();
  await sessions.type('echo front-$((6*7))\n');
  await expect(sessions.screen).toContainText('front-42', { timeout: 30_000 });

  // Hidden, it is slowed but not stopped: its xterm goes on parsing. (How fast is the bench's to say:
  // bench/terminal.bench.ts measures the hidden tab's rate against the 4 MB/s target.)
  await expect.poll(async () => (await parsed()) - before, { timeout: 30_000 }).toBeGreaterThan(0);
  const whileHidden = (await parsed()) - before;

  // Shown again, it catches up, and not one byte is missing.
  await sessions.tab(/e2e-burst · gpu-b · shell/).click();
  await expect(sessions.screen).toContainText('burst-42', { timeout: 200_000 });
  await expect(sessions.screen).toContainText('6000000');
  const total = (await parsed()) - before;
  test.info().annotations.push({ type: 'bytes', description: `${whileHidden} parsed while hidden, ${total} in all` });
  expect(total).toBeGreaterThanOrEqual(BURST_BYTES);
  expect(total).toBeLessThan(BURST_BYTES + AROUND_BYTES);
});
