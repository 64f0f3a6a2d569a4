import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

// Electron cannot run here; this fakes app (its web-contents-created event) and shell.openExternal.
const app = new EventEmitter();
const opened: string[] = [];
vi.mock('electron', () => ({ app, shell: { openExternal: (url: string) => Promise.resolve(void opened.push(url)) } }));
const { guardAllWebContents } = await import('./window-guards');
const { guardPermissions } = await import('./permissions');
const { APP_ORIGIN } = await import('./channels');

type OpenHandler = (details: { url: string }) => { action: string };
class FakeContents extends EventEmitter {
  openHandler: OpenHandler = () => ({ action: 'allow' });
  constructor(readonly url = `${APP_ORIGIN}/index.html`) {
    super();
  }
  setWindowOpenHandler(handler: OpenHandler): void {
    this.openHandler = handler;
  }
  getURL(): string {
    return this.url;
  }
}

const isAppUrl = (url: string): boolean => url.startsWith(`${APP_ORIGIN}/`);
guardAllWebContents(isAppUrl);
function created(): FakeContents {
  const contents = new FakeContents();
  app.emit('web-contents-created', {}, contents);
  return contents;
}

/** Emits a cancellable Electron event and says whether a handler cancelled it. */
function prevented(contents: FakeContents, name: string, url: string): boolean {
  let cancelled = false;
  contents.emit(name, { preventDefault: () => (cancelled = true) }, url);
  return cancelled;
}

describe('window guards', () => {
  it('keeps every window on the app: no navigation or redirect elsewhere, no webviews', () => {
    const contents = created();
    expect(prevented(contents, 'will-navigate', 'https://evil.example/')).toBe(true);
    expect(prevented(contents, 'will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(prevented(contents, 'will-navigate', `${APP_ORIGIN}/index.html#sessions`)).toBe(false);
    expect(prevented(contents, 'will-attach-webview', '')).toBe(true);
  });

  it('opens only web links, in the system browser, and never a window inside the app', async () => {
    const contents = created();
    opened.length = 0;
    for (const url of [
      'https://example.org/a b',
      'http://127.0.0.1:8888/?token=x',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'vscode://x',
      'not a url',
    ])
      expect(contents.openHandler({ url })).toEqual({ action: 'deny' });
    await Promise.resolve();
    expect(opened).toEqual(['https://example.org/a%20b', 'http://127.0.0.1:8888/?token=x']);
  });
});

describe('permissions', () => {
  type RequestHandler = (contents: FakeContents, permission: string, callback: (granted: boolean) => void) => void;
  type CheckHandler = (contents: FakeContents | null, permission: string, requestingOrigin: string) => boolean;
  function guarded(): { request: (contents: FakeContents, permission: string) => boolean; check: CheckHandler } {
    let request: RequestHandler | undefined;
    let check: CheckHandler | undefined;
    guardPermissions(
      {
        setPermissionRequestHandler: (handler) => (request = handler as unknown as RequestHandler),
        setPermissionCheckHandler: (handler) => (check = handler as unknown as CheckHandler),
      },
      isAppUrl,
    );
    return {
      request: (contents, permission) => {
        let granted = false;
        request?.(contents, permission, (answer) => (granted = answer));
        return granted;
      },
      check: (contents, permission, origin) => check?.(contents, permission, origin) ?? true,
    };
  }

  it('answers permission requests and permission checks alike: clipboard writes for the app, nothing else', () => {
    const { request, check } = guarded();
    const app = new FakeContents();
    const foreign = new FakeContents('https://evil.example/');
    expect(request(app, 'clipboard-sanitized-write')).toBe(true);
    expect(check(app, 'clipboard-sanitized-write', APP_ORIGIN)).toBe(true);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen']) {
      expect(request(app, permission)).toBe(false);
      expect(check(app, permission, APP_ORIGIN)).toBe(false);
    }
    expect(request(foreign, 'clipboard-sanitized-write')).toBe(false);
    expect(check(foreign, 'clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'https://evil.example')).toBe(false);
  });
});
