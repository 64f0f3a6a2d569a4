#!/usr/bin/env node
// The `berth` command: a thin launcher for the built CLI, so a missing build says what to do.
import { existsSync } from 'node:fs';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write(`Error: Berth is not built yet: run \`npm run build\` in ${new URL('..', import.meta.url).pathname}\n`);
  process.exit(1);
}
await import(cli.href);
