import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

// Electron cannot run here. These fakes record what the desktop shell asks of Electron at start:
// the window it opens, the scheme it serves, the handlers it installs, and what its preload exposes.
process.env.BERTH_HOME = mkdtempSync(join(tmpdir(), 'berth-shell-'));
const windows: { options: { webPreferences: Record<string, unknown> }; loaded: string[] }[] = [];
const schemes: unknown[] = [];
const handlers: { request?: unknown; check?: unknown; protocol?: (request: Request) => Promise<Response> } = {};
const exposed = new Map<string, Record<string, (...args: never[]) => unknown>>();
const sent: [string, unknown][] = [];
const rendererListeners = new Map<string, (event: unknown, message: unknown) => void>();

const app = Object.assign(new EventEmitter(), { isPackaged: true, whenReady: () => Promise.resolve(), quit: () => undefined });
class BrowserWindow extends EventEmitter {
  static getAllWindows = (): BrowserWindow[] => [];
  static getFocusedWindow = (): null => null;
  readonly record: (typeof windows)[number];
  constructor(options: (typeof windows)[number]['options']) {
    super();
    this.record = { options, loaded: [] };
    windows.push(this.record);
  }
  loadURL(url: string): Promise<void> {
    this.record.loaded.push(url);
    return Promise.resolve();
  }
}
vi.mock('electron', () => ({
  app,
  BrowserWindow,
  session: {
    defaultSession: {
      setPermissionRequestHandler: (handler: unknown) => (handlers.request = handler),
      setPermissionCheckHandler: (handler: unknown) => (handlers.check = handler),
    },
  },
  protocol: {
    registerSchemesAsPrivileged: (list: unknown[]) => schemes.push(...list),
    handle: (_scheme: string, handler: (request: Request) => Promise<Response>) => (handlers.protocol = handler),
  },
  Menu: { setApplicationMenu: () => undefined, buildFromTemplate: () => ({}) },
  ipcMain: new EventEmitter(),
  Notification: { isSupported: () => false },
  shell: { openExternal: () => Promise.resolve() },
  safeStorage: { isEncryptionAvailable: () => false },
  contextBridge: { exposeInMainWorld: (name: string, api: Record<string, (...args: never[]) => unknown>) => exposed.set(name, api) },
  ipcRenderer: {
    send: (channel: string, message: unknown) => sent.push([channel, message]),
    on: (channel: string, listener: (event: unknown, message: unknown) => void) => rendererListeners.set(channel, listener),
  },
}));
await import('./main');
await vi.waitFor(() => expect(windows).toHaveLength(1));
const { APP_ORIGIN, APP_SCHEME, COMMAND_CHANNEL, IPC_CHANNEL } = await import('./channels');

describe('the desktop shell', () => {
  it('opens its window with context isolation, the sandbox, web security, and no Node.js in the page', () => {
    const preferences = windows[0]?.options.webPreferences ?? {};
    expect(preferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    });
    for (const risky of ['experimentalFeatures', 'enableBlinkFeatures', 'nodeIntegrationInWorker', 'nodeIntegrationInSubFrames', 'webviewTag'])
      expect(preferences[risky] ?? false).toBe(false);
  });

  it('loads its pages from its own secure berth:// scheme, never file://', () => {
    expect(windows[0]?.loaded).toEqual([`${APP_ORIGIN}/index.html`]);
    expect(schemes).toEqual([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('installs both a permission-request and a permission-check handler on the session', () => {
    expect(typeof handlers.request).toBe('function');
    expect(typeof handlers.check).toBe('function');
  });

  it('serves berth:// pages with a strict Content-Security-Policy, and nothing outside the UI folder', async () => {
    const { serveAppScheme } = await import('./app-protocol');
    const ui = mkdtempSync(join(tmpdir(), 'berth-ui-'));
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Berth</title>');
    serveAppScheme(ui);
    const page = await handlers.protocol?.(new Request(`${APP_ORIGIN}/index.html`));
    expect(page?.status).toBe(200);
    const policy = page?.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*unsafe/);
    expect((await handlers.protocol?.(new Request(`${APP_ORIGIN}/../../etc/passwd`)))?.status).toBe(404);
    expect((await handlers.protocol?.(new Request(`${APP_SCHEME}://elsewhere/index.html`)))?.status).toBe(404);
  });
});

describe('the preload bridge', () => {
  it('exposes three functions on one channel and no Electron API to the page', async () => {
    await import('./preload');
    expect([...exposed.keys()]).toEqual(['berthIpc']);
    const bridge = exposed.get('berthIpc') ?? {};
    expect(Object.keys(bridge).sort()).toEqual(['onCommand', 'onMessage', 'send']);
    (bridge.send as (message: unknown) => void)({ t: 'call' });
    expect(sent).toEqual([[IPC_CHANNEL, { t: 'call' }]]);
    const commands: string[] = [];
    (bridge.onCommand as (listener: (command: string) => void) => void)((command) => commands.push(command));
    rendererListeners.get(COMMAND_CHANNEL)?.({}, 'terminal.find');
    rendererListeners.get(COMMAND_CHANNEL)?.({}, { not: 'a string' });
    expect(commands).toEqual(['terminal.find']);
    // The listener gets the message alone, never Electron's event (whose sender could reach ipcRenderer).
    const messages: unknown[] = [];
    (bridge.onMessage as (listener: (message: unknown) => void) => void)((...args: unknown[]) => messages.push(args));
    rendererListeners.get(IPC_CHANNEL)?.({ sender: 'ipcRenderer' }, { t: 'result' });
    expect(messages).toEqual([[{ t: 'result' }]]);
  });
});
