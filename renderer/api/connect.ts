import { BerthClient } from '../../app/client/berth-client';
import { ipcPipe } from './ipc-pipe';
import type { BerthIpc } from './ipc-pipe';
import { openWsPipe } from './ws-pipe';

declare global {
  interface Window {
    berthIpc?: BerthIpc;
  }
}

const TOKEN_KEY = 'berth.token';

/**
 * In the desktop app the preload provides IPC; in a browser, `berth serve` gave us a token in the
 * URL's fragment. It moves to sessionStorage (so a reload works) and out of the address bar.
 */
export async function connect(): Promise<BerthClient> {
  if (window.berthIpc) return new BerthClient(ipcPipe(window.berthIpc));

  const fromUrl = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    history.replaceState(null, '', location.pathname);
  }
  const token = fromUrl ?? sessionStorage.getItem(TOKEN_KEY);
  if (!token) throw new Error('This page needs its access token. Open the full link that `berth serve` printed, including the part after #.');
  const url = `ws://${location.host}/api?token=${encodeURIComponent(token)}`;
  return new BerthClient(await openWsPipe(url));
}
