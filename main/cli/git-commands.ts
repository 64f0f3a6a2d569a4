import type { Command } from 'commander';
import type { NodeGitStatus } from '../../app/contract';
import { coreCall } from './core-call';
import { readStdin } from './library-commands';
import { connectInteractively } from './node-commands';
import { UsageError } from './usage-error';
import { withCore } from './with-core';

function describe(node: string, status: NodeGitStatus): string {
  const lines = [
    `Git on ${node}:`,
    `  name:   ${status.name ?? '(not set)'}`,
    `  email:  ${status.email ?? '(not set)'}`,
    `  logins: ${status.hosts.length ? status.hosts.join(', ') : 'none'}${status.helper ? ' (credential.helper store)' : ''}`,
  ];
  return lines.join('\n') + '\n';
}

export function addGitCommands(program: Command): void {
  const git = program.command('git').description('Git name, email and tokens in your home on a node, for every session there');

  git
    .command('setup')
    .description('write your Git name, email and token(s) into ~/.gitconfig and ~/.git-credentials (mode 0600) on a node')
    .requiredOption('--node <node>', 'bookmarked node')
    .option('--host <host>', 'only the token for this host (default: every host with a token)')
    .option('--token-stdin', "read the host's token from standard input and keep it in the keychain (needs --host)")
    .option('--username <user>', 'user name for the token (default: x-access-token)')
    .option('--name <name>', 'your Git name (kept in the settings)')
    .option('--email <email>', 'your Git email (kept in the settings)')
    .action(async (options: { node: string; host?: string; tokenStdin?: boolean; username?: string; name?: string; email?: string }) => {
      if (options.tokenStdin && !options.host) throw new UsageError('--token-stdin needs --host, the host the token is for.');
      const token = options.tokenStdin ? await readStdin() : undefined;
      if (options.tokenStdin && !token) throw new UsageError('no token on standard input.');
      await withCore(async (core) => {
        if (options.name !== undefined || options.email !== undefined) {
          await coreCall(core, 'settings.update', {
            git: { ...(options.name !== undefined ? { name: options.name } : {}), ...(options.email !== undefined ? { email: options.email } : {}) },
          });
        }
        if (token !== undefined && options.host) {
          const { kept } = await coreCall(core, 'git.setToken', {
            host: options.host,
            token,
            ...(options.username ? { username: options.username } : {}),
          });
          if (!kept) process.stderr.write('Warning: no keychain answered here, so the token is used now but not kept.\n');
        }
        await connectInteractively(core, options.node, {});
        const status = await coreCall(core, 'git.setup', { node: options.node, hosts: options.host ? [options.host] : [] });
        process.stdout.write(describe(options.node, status));
      });
    });

  git
    .command('remove')
    .description("take your tokens back out of the node's ~/.git-credentials (and the store helper once none are left)")
    .requiredOption('--node <node>', 'bookmarked node')
    .action(async (options: { node: string }) => {
      await withCore(async (core) => {
        await connectInteractively(core, options.node, {});
        process.stdout.write(describe(options.node, await coreCall(core, 'git.remove', { node: options.node })));
      });
    });

  git
    .command('status')
    .description('what Git settings and logins the node holds for you (never the tokens)')
    .requiredOption('--node <node>', 'bookmarked node')
    .action(async (options: { node: string }) => {
      await withCore(async (core) => {
        await connectInteractively(core, options.node, {});
        process.stdout.write(describe(options.node, await coreCall(core, 'git.status', { node: options.node })));
      });
    });
}
