import type { Pipe } from '../../app/client/berth-client';
import type { ClientMessage, ServerMessage } from '../../app/contract';

/** What the Electron preload exposes; nothing more crosses the bridge. */
export interface BerthIpc {
  send(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage) => void): void;
  /** The app menu's commands (TERMINAL_COMMANDS' ids). */
  onCommand(listener: (command: string) => void): void;
}

export function ipcPipe(ipc: BerthIpc): Pipe {
  return {
    send: (message) => ipc.send(message),
    onMessage: (listener) => ipc.onMessage(listener),
    // The window and its back end live and die together.
    onClose: () => undefined,
  };
}
