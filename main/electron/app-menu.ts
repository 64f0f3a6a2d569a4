import { BrowserWindow, Menu } from 'electron';
import type { MenuItemConstructorOptions } from 'electron';
import { TERMINAL_COMMANDS } from '../../app/domain/terminal-commands';
import { COMMAND_CHANNEL } from './channels';

/** The application menu: the usual Electron roles, and a Terminal menu whose items the page runs. */
export function installAppMenu(): void {
  const terminal: MenuItemConstructorOptions[] = TERMINAL_COMMANDS.map((command) => ({
    label: command.label,
    accelerator: command.keys,
    click: () => BrowserWindow.getFocusedWindow()?.webContents.send(COMMAND_CHANNEL, command.id),
  }));
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { label: 'Terminal', submenu: terminal },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
