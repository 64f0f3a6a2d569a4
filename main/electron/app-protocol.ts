import { protocol } from 'electron';
import { readFile } from 'node:fs/promises';
import { contentSecurityPolicy, contentType, resolveUiFile } from '../ui-files/ui-files';
import { APP_SCHEME } from './channels';

/** Must run before the app is ready: berth:// behaves as a secure, standard origin. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** Serves the built renderer from berth://app/, with the same strict CSP as browser mode. */
export function serveAppScheme(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const file = url.host === 'app' ? resolveUiFile(rendererDir, url.pathname) : null;
    const body = file === null ? null : await readFile(file).catch(() => null);
    if (file === null || body === null) return new Response('Not found', { status: 404 });
    return new Response(body, {
      headers: { 'Content-Type': contentType(file), 'Content-Security-Policy': contentSecurityPolicy("'self'"), 'X-Content-Type-Options': 'nosniff' },
    });
  });
}
