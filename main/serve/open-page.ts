import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../config/atomic-file';

export interface OpenPage {
  /** The file to hand to the browser: its path names no secret. */
  path: string;
  remove(): Promise<void>;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * A page that sends the browser on to `url`, in a folder only this user may enter (0700) and
 * readable only by them (0600). `berth serve --open` hands the browser this file's path rather than
 * the link itself, because a program's arguments are visible to every user in `ps`.
 */
export async function writeOpenPage(url: string): Promise<OpenPage> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-open-'));
  const path = join(dir, 'open-berth.html');
  const href = escapeAttribute(url);
  await writeFileAtomic(
    path,
    `<!doctype html>\n<meta charset="utf-8">\n<meta name="referrer" content="no-referrer">\n<meta http-equiv="refresh" content="0;url=${href}">\n<title>Opening Berth…</title>\n<p>Opening Berth… If nothing happens, <a href="${href}">open it here</a>.</p>\n`,
    0o600,
  );
  return { path, remove: () => rm(dir, { recursive: true, force: true }) };
}
