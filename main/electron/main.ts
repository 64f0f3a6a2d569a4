import { app, BrowserWindow, session } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDir } from '../config/config-dir';
import { createCore } from '../core/create-core';
import { installAppMenu } from './app-menu';
import { APP_ORIGIN } from './channels';
import { registerAppScheme, serveAppScheme } from './app-protocol';
import { serveIpc } from './ipc-peer';
import { electronNotifier } from './electron-notifier';
import { guardPermissions } from './permissions';
import { SafeStorageSecrets } from './safe-storage-secrets';
import { guardAllWebContents } from './window-guards';

// The desktop shell: a window, the berth:// scheme, IPC. Everything else is the plain-Node core.
const devServer = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
const isAppUrl = (url: string): boolean => url.startsWith(`${APP_ORIGIN}/`) || (devServer !== undefined && url.startsWith(devServer));

registerAppScheme();
guardAllWebContents(isAppUrl);

async function openWindow(): Promise<void> {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Berth',
    show: false,
    webPreferences: {
      preload: fileURLToPath(new URL('../preload/preload.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  await window.loadURL(devServer ?? `${APP_ORIGIN}/index.html`);
}

void app.whenReady().then(async () => {
  guardPermissions(session.defaultSession, isAppUrl);
  installAppMenu();
  serveAppScheme(fileURLToPath(new URL('../renderer/', import.meta.url)));
  const core = createCore({ mode: 'electron', secrets: new SafeStorageSecrets(join(configDir(), 'secrets.json')), notifier: electronNotifier });
  serveIpc(core.dispatcher, core.events, isAppUrl);
  // Quitting waits (briefly) for the terminals' exec processes to be hung up.
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    void core.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
  await openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void openWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
