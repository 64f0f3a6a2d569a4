import { ipcMain } from 'electron';
import type { IpcMainEvent, WebContents } from 'electron';
import type { CallRunner, EventFeed } from '../rpc/dispatcher';
import { Peer } from '../rpc/peer';
import { IPC_CHANNEL } from './channels';

/**
 * One Peer per window. A message counts only if it comes from that window's own top frame showing
 * one of our pages; anything else (a subframe, a navigated-away page) is dropped.
 */
export function serveIpc(dispatcher: CallRunner, events: EventFeed, isAppUrl: (url: string) => boolean): void {
  const peers = new Map<number, Peer>();

  ipcMain.on(IPC_CHANNEL, (event: IpcMainEvent, message: unknown) => {
    const frame = event.senderFrame;
    if (!frame || frame !== event.sender.mainFrame || !isAppUrl(frame.url)) return;
    peerFor(event.sender).receive(message);
  });

  function peerFor(contents: WebContents): Peer {
    const existing = peers.get(contents.id);
    if (existing) return existing;
    const peer = new Peer(
      dispatcher,
      (message) => {
        if (!contents.isDestroyed()) contents.send(IPC_CHANNEL, message);
      },
      events,
    );
    peers.set(contents.id, peer);
    const drop = (): void => {
      peer.close();
      peers.delete(contents.id);
    };
    contents.once('destroyed', drop);
    // A reload is a new page: its calls and streams start afresh. In-page (#hash) navigation is not.
    const onNavigation = (details: { isSameDocument: boolean; isMainFrame: boolean }): void => {
      if (details.isSameDocument || !details.isMainFrame) return;
      contents.off('did-start-navigation', onNavigation);
      drop();
    };
    contents.on('did-start-navigation', onNavigation);
    return peer;
  }
}
