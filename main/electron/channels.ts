/** The one IPC channel between preload and main; both directions carry wire-protocol messages. */
export const IPC_CHANNEL = 'berth:message';
/** Pages are served from this scheme, never from file://. */
export const APP_SCHEME = 'berth';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
