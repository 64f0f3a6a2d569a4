import type { Session } from 'electron';

/** Copy on select writes the clipboard; no page of ours needs any other permission yet. */
const GRANTED = new Set(['clipboard-sanitized-write']);

/**
 * Electron grants every permission unless told otherwise, and asks two questions: a page *requesting*
 * a permission (the request handler) and a page *checking* whether it has one, as
 * navigator.permissions.query and many APIs do without asking (the check handler). Both give the
 * same answer: only the few permissions Berth uses, and only to Berth's own pages.
 */
export function guardPermissions(
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>,
  isAppUrl: (url: string) => boolean,
): void {
  session.setPermissionRequestHandler((contents, permission, callback) => callback(GRANTED.has(permission) && isAppUrl(contents.getURL())));
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) => GRANTED.has(permission) && isAppUrl(`${requestingOrigin}/`));
}
