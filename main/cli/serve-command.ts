import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createCore } from '../core/create-core';
import { SecretToolSecrets } from '../nodes/secret-tool-secrets';
import { writeOpenPage } from '../serve/open-page';
import { OPEN_CODE_TTL_MS, startServer } from '../serve/server';
import type { RunningServer } from '../serve/server';

/** The built renderer sits beside the built CLI: out/main/cli.js and out/renderer/. */
function rendererDir(): string {
  return fileURLToPath(new URL('../renderer/', import.meta.url));
}

export async function runServe(options: { port?: number; open?: boolean }): Promise<void> {
  const staticDir = rendererDir();
  if (!existsSync(`${staticDir}index.html`)) {
    throw new Error(`the built UI is missing at ${staticDir}: run \`npm run build\` first.`);
  }
  const core = createCore({ mode: 'browser', secrets: new SecretToolSecrets() });
  const server = await startServer({
    staticDir,
    dispatcher: core.dispatcher,
    events: core.events,
    ...(options.port === undefined ? {} : { port: options.port }),
  }).catch(async (error: unknown) => {
    await core.close();
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code === 'EADDRINUSE')
      throw new Error(`port ${options.port} on 127.0.0.1 is in use: pick another with --port, or leave it out for a free one.`);
    throw error;
  });

  process.stdout.write(
    `Berth is serving on 127.0.0.1:${server.port}. Open this URL (it carries your access token):\n\n  ${server.url}\n\nPress Ctrl+C to stop.\n`,
  );
  const opened = options.open ? await openInBrowser(server) : null;

  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void (opened?.remove() ?? Promise.resolve())
        .then(() => core.close())
        .then(() => server.close())
        .then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Starts the user's browser on the UI without putting the token in its arguments (any user can
 * read those with `ps`): the browser gets the path of a page only this user can read, which sends
 * it on with a one-time code; the server trades the code for the token. The page goes once used.
 */
async function openInBrowser(server: RunningServer): Promise<{ remove: () => Promise<void> }> {
  let used = false;
  const page = await writeOpenPage(server.oneTimeUrl(() => void remove()));
  async function remove(): Promise<void> {
    if (used) return;
    used = true;
    await page.remove();
  }
  setTimeout(() => void remove(), OPEN_CODE_TTL_MS).unref();
  const [command, ...args] =
    process.platform === 'darwin'
      ? ['open', page.path]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '', page.path]
        : ['xdg-open', page.path];
  if (command === undefined) return { remove };
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`Could not open a browser (${command} failed); open the URL above yourself.\n`));
  child.unref();
  return { remove };
}
