import { app, shell } from 'electron';
import type { WebContents } from 'electron';

/** Only web links leave the app: never file:, javascript:, or a custom scheme another program registered. */
export function externalLink(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
}

/** Electron's security checklist, applied to every web contents the app ever creates. */
export function guardAllWebContents(isAppUrl: (url: string) => boolean): void {
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links (web links in terminals, after the page's confirmation showing the URL; forwarded
      // ports) open in the system browser, never in-app.
      const link = externalLink(url);
      if (link !== null) void shell.openExternal(link);
      return { action: 'deny' };
    });
  });
}
