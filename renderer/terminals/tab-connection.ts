import type { Terminal } from '@xterm/xterm';
import type { BerthClient } from '../../app/client/berth-client';
import { describeError } from '../api/describe-error';
import { mark } from './latency-marks';
import type { OutputFeeder } from './output-feeder';
import type { TerminalTab } from './terminals-state.svelte';

const RESIZE_DEBOUNCE_MS = 100;

/**
 * Opens the tab's terminal on the node and joins it to the xterm: keys and sizes go out, output
 * comes in (through the tab's feeder, which holds a hidden tab's output back), and xterm's write
 * callback is the acknowledgement, so a busy screen slows the node.
 * Returns how to let go of it (the xterm itself stays, with its scrollback).
 */
export function connectTab(client: BerthClient, tab: TerminalTab, term: Terminal, feeder: OutputFeeder): () => void {
  let terminalId: string | null = null;
  let closed = false;
  // Keys typed before the back end has opened the terminal are sent once it has.
  let early = '';
  const send = (data: string): void => {
    if (terminalId) void client.call('terminals.input', { terminal: terminalId, data }).catch(() => undefined);
  };

  client
    // A tab on someone else's session exists only once the user confirmed entering it.
    .call('terminals.open', {
      session: tab.session.id,
      kind: tab.kind,
      command: tab.command,
      cols: term.cols,
      rows: term.rows,
      force: !tab.session.mine,
    })
    .then((opened) => {
      if (closed) return;
      terminalId = opened.terminal;
      tab.terminal = opened.terminal;
      tab.session = opened.session;
      if (early) send(early);
      early = '';
      mark?.('open', `${tab.key} ${opened.terminal} ${opened.stream}`);
      const stream = opened.stream;
      tab.stream = client.consume(
        { stream },
        {
          data: (chunk, done) => {
            mark?.('handed', stream, chunk.byteLength);
            feeder.push(chunk, mark ? () => (mark?.('parsed', stream, chunk.byteLength), done()) : done);
          },
          end: () => {
            tab.reconnecting = undefined;
            void client.call('terminals.exit', { terminal: opened.terminal }).then(
              (exit) => (tab.ended = exit),
              () => (tab.ended = { exitCode: null, sessionEnded: false, connectionLost: false }),
            );
          },
        },
      );
    })
    .catch((error: unknown) => {
      if (!closed) tab.ended = { problem: describeError(error) };
    });

  const input = term.onData((data) => {
    if (terminalId) send(data);
    else early += data;
  });
  let resizeTimer: ReturnType<typeof setTimeout> | undefined;
  const resize = term.onResize(({ cols, rows }) => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      if (terminalId) void client.call('terminals.resize', { terminal: terminalId, cols, rows }).catch(() => undefined);
    }, RESIZE_DEBOUNCE_MS);
  });

  return () => {
    closed = true;
    clearTimeout(resizeTimer);
    input.dispose();
    resize.dispose();
  };
}
