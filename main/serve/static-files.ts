import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { contentSecurityPolicy, contentType, resolveUiFile } from '../ui-files/ui-files';

function securityHeaders(host: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(`'self' ws://${host}`),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** Serves the built renderer; anything outside `root` or missing is a 404. */
export async function serveStatic(root: string, urlPath: string, host: string, response: ServerResponse, headOnly: boolean): Promise<void> {
  const file = resolveUiFile(root, urlPath);
  const info = file === null ? null : await stat(file).catch(() => null);
  if (file === null || !info?.isFile()) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('Not found.\n');
    return;
  }
  const type = contentType(file);
  response.writeHead(200, {
    ...securityHeaders(host),
    'Content-Type': type,
    'Content-Length': info.size,
    // The HTML names hashed assets, so it must never be stale; the assets themselves never change.
    'Cache-Control': type.startsWith('text/html') ? 'no-store' : 'public, max-age=31536000, immutable',
  });
  if (headOnly) response.end();
  else createReadStream(file).pipe(response);
}
