// `npm start`: the desktop app where Electron can run; otherwise browser mode, said plainly.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = new URL('..', import.meta.url).pathname;

function electronPath() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

let electron = electronPath();
if (!electron) {
  // Electron's own install script downloads its binary; npm install leaves it unapproved (package.json allowScripts).
  process.stdout.write('Fetching the Electron binary (first start only)...\n');
  const install = spawnSync(process.execPath, [require.resolve('electron/install.js')], { cwd: root, encoding: 'utf8' });
  electron = electronPath();
  if (!electron) {
    const reason = `${install.stderr}`.split('\n').find((line) => /error/i.test(line)) ?? `exit code ${install.status}`;
    process.stdout.write(`The Electron download failed: ${reason.trim()}\n`);
  }
}

const child = electron
  ? spawn(electron, [root], { stdio: 'inherit' })
  : (process.stdout.write('Electron could not be downloaded here, so Berth opens in your browser instead (browser mode).\n'),
    spawn(process.execPath, [new URL('../bin/berth.js', import.meta.url).pathname, 'serve', '--open'], { stdio: 'inherit' }));

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
