import type { Command } from 'commander';
import { Option } from 'commander';
import { BerthError } from '../../app/contract';
import { age } from '../../app/domain/durations';
import { formatBytes } from '../../app/domain/sizes';
import type { Core } from '../core/create-core';
import { coreCall } from './core-call';
import { ask, canPrompt } from './prompt';
import { table } from './table';
import { UsageError } from './usage-error';
import { withCore } from './with-core';

/** Standard input whole, without its final newline (a password or token piped in). */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * Before a command that uses the library: when its password is in no keychain here (no Secret
 * Service answered), asks for it on the terminal, as `docker login` would.
 */
export async function ensureLibraryLogin(core: Core): Promise<void> {
  const { library } = await coreCall(core, 'settings.get', {});
  if (!library.address || !library.username) return;
  try {
    await coreCall(core, 'library.set', { address: library.address, username: library.username });
  } catch (error) {
    if (!(error instanceof BerthError && /Give the password/.test(error.message))) throw error;
    if (!canPrompt()) {
      throw new BerthError(
        'unavailable',
        `The password for ${library.username} at the library ${library.address} is not in this computer's keychain. Run this in a terminal to be asked for it, or keep it in the keychain with \`berth library set ${library.address} --username ${library.username} --password-stdin\` in a desktop session.`,
      );
    }
    const password = await ask(`Password for ${library.username} at ${library.address}: `, true);
    if (password === '') throw new UsageError('no password given.');
    await coreCall(core, 'library.set', { address: library.address, username: library.username, password });
  }
}

export function addLibraryCommands(program: Command): void {
  const library = program.command('library').description("the team's image library: a Docker registry every node can pull from");

  library
    .command('list')
    .description("the library's images, with tags, descriptions, sizes and dates")
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: { format: 'table' | 'json' }) => {
      await withCore(async (core) => {
        await ensureLibraryLogin(core);
        const listed = await coreCall(core, 'library.list', {});
        if (options.format === 'json') {
          process.stdout.write(JSON.stringify(listed.images, null, 2) + '\n');
          return;
        }
        if (listed.images.length === 0) {
          process.stdout.write(
            `The library at ${listed.address} is empty. Save an image to it with \`berth image push IMAGE --node NODE --name NAME\`.\n`,
          );
          return;
        }
        const now = Date.now();
        process.stdout.write(
          table(
            ['NAME', 'TAG', 'DESCRIPTION', 'SIZE', 'CREATED'],
            listed.images.map((i) => [i.name, i.tag, i.description.replace(/\s+/g, ' '), formatBytes(i.size), i.created ? age(i.created, now) : '-']),
          ),
        );
      });
    });

  library
    .command('set <address>')
    .description('use the registry at ADDRESS (host[:port]) as the library; the login is checked, its password kept in the keychain ("" unsets)')
    .option('--username <user>', 'login name at the registry')
    .option('--password-stdin', 'read the password from standard input')
    .action(async (address: string, options: { username?: string; passwordStdin?: boolean }) => {
      if (options.passwordStdin && !options.username) throw new UsageError('--password-stdin needs --username.');
      let password: string | undefined;
      if (options.passwordStdin) password = await readStdin();
      else if (options.username && canPrompt()) password = await ask(`Password for ${options.username} at ${address}: `, true);
      if (options.username && !password)
        throw new UsageError(`give the password for ${options.username}: on standard input with --password-stdin, or typed at the prompt.`);
      await withCore(async (core) => {
        const set = await coreCall(core, 'library.set', { address, username: options.username ?? '', ...(password ? { password } : {}) });
        if (!set.address) {
          process.stdout.write('No image library is set now.\n');
          return;
        }
        process.stdout.write(`The library is ${set.address}${set.username ? `, as ${set.username}` : ''}.\n`);
        if (set.username && !set.passwordKept) {
          process.stderr.write(
            "Warning: no keychain answered here (the desktop's Secret Service, through secret-tool), so the password was checked but not kept: commands that use the library will ask for it.\n",
          );
        }
      });
    });
}
