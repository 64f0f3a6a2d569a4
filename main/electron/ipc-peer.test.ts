import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { Dispatcher } from '../rpc/dispatcher';

// Electron cannot run here; this fakes only ipcMain, to test the sender checks of this module.
const ipcMain = new EventEmitter();
vi.mock('electron', () => ({ ipcMain }));
const { serveIpc } = await import('./ipc-peer');
const { APP_ORIGIN, IPC_CHANNEL } = await import('./channels');

class FakeContents extends EventEmitter {
  readonly sent: unknown[] = [];
  readonly mainFrame = { url: `${APP_ORIGIN}/index.html` };
  constructor(readonly id: number) {
    super();
  }
  isDestroyed(): boolean {
    return false;
  }
  send(_channel: string, message: unknown): void {
    this.sent.push(message);
  }
}

const call = { t: 'call', id: 1, method: 'echo', params: { text: 'hi' } };
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));
let aborted = 0;

beforeEach(() => {
  ipcMain.removeAllListeners();
  aborted = 0;
  const dispatcher = new Dispatcher(
    { echo: { params: z.object({ text: z.string() }), result: z.string() }, hang: { params: z.object({}), result: z.string() } },
    {
      echo: ({ text }) => Promise.resolve(text),
      hang: (_p, ctx) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => (aborted++, reject(new Error('aborted'))))),
    },
  );
  serveIpc(dispatcher, { subscribe: () => () => undefined }, (url) => url.startsWith(`${APP_ORIGIN}/`));
});

describe('serveIpc', () => {
  it('answers the top frame of one of our pages', async () => {
    const contents = new FakeContents(1);
    ipcMain.emit(IPC_CHANNEL, { sender: contents, senderFrame: contents.mainFrame }, call);
    await tick();
    expect(contents.sent).toEqual([{ t: 'result', id: 1, ok: true, value: 'hi' }]);
  });

  it('drops messages from a subframe', async () => {
    const contents = new FakeContents(2);
    ipcMain.emit(IPC_CHANNEL, { sender: contents, senderFrame: { url: `${APP_ORIGIN}/index.html` } }, call);
    await tick();
    expect(contents.sent).toEqual([]);
  });

  it('drops messages from a page that is not ours', async () => {
    const contents = new FakeContents(3);
    contents.mainFrame.url = 'https://evil.example/';
    ipcMain.emit(IPC_CHANNEL, { sender: contents, senderFrame: contents.mainFrame }, call);
    await tick();
    expect(contents.sent).toEqual([]);
  });

  it('drops messages whose frame is gone', async () => {
    const contents = new FakeContents(4);
    ipcMain.emit(IPC_CHANNEL, { sender: contents, senderFrame: null }, call);
    await tick();
    expect(contents.sent).toEqual([]);
  });

  it('cancels pending calls when the page reloads, but not on in-page navigation', async () => {
    const contents = new FakeContents(5);
    ipcMain.emit(IPC_CHANNEL, { sender: contents, senderFrame: contents.mainFrame }, { t: 'call', id: 7, method: 'hang', params: {} });
    contents.emit('did-start-navigation', { isSameDocument: true, isMainFrame: true });
    await tick();
    expect(aborted).toBe(0);
    contents.emit('did-start-navigation', { isSameDocument: false, isMainFrame: true });
    await tick();
    expect(aborted).toBe(1);
  });
});
