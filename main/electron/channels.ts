/** The one IPC channel between preload and main; both directions carry wire-protocol messages. */
export const IPC_CHANNEL = 'berth:message';
/** Pages are served from this scheme, never from file://. */
export const APP_SCHEME = 'berth';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
/** Main to page only: a menu command (one of TERMINAL_COMMANDS' ids) for the page to run. */
export const COMMAND_CHANNEL = 'berth:command';
