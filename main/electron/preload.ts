import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import { COMMAND_CHANNEL, IPC_CHANNEL } from './channels';

/**
 * The page gets three functions and nothing else: send a message, receive messages, hear menu commands. Raw ipcRenderer
 * never crosses the bridge, so the page cannot talk on any other channel.
 */
contextBridge.exposeInMainWorld('berthIpc', {
  send(message: unknown): void {
    ipcRenderer.send(IPC_CHANNEL, message);
  },
  onMessage(listener: (message: unknown) => void): void {
    ipcRenderer.on(IPC_CHANNEL, (_event: IpcRendererEvent, message: unknown) => listener(message));
  },
  onCommand(listener: (command: string) => void): void {
    ipcRenderer.on(COMMAND_CHANNEL, (_event: IpcRendererEvent, command: unknown) => {
      if (typeof command === 'string') listener(command);
    });
  },
});
