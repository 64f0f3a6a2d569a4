import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { version } from '../core/version';
import { configureLog } from '../log/log';
import { exitCode } from './exit-code';
import { addGitCommands } from './git-commands';
import { addImageCommands } from './image-commands';
import { addLibraryCommands } from './library-commands';
import { addNodeCommands } from './node-commands';
import { addSessionCommands } from './session-commands';
import { runServe } from './serve-command';
import { UsageError } from './usage-error';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535) throw new InvalidArgumentError('use a whole number from 0 to 65535 (0 picks a free port).');
  return port;
}

export function buildProgram(): Command {
  const program = new Command('berth')
    .description('Interactive container sessions on remote GPU nodes, over SSH.')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--verbose', "print Berth's log (connections, node commands, errors) on stderr as it happens")
    .showSuggestionAfterError(true)
    .configureHelp({ sortSubcommands: true })
    // Set before subcommands are added: they copy these settings when created.
    .exitOverride()
    .configureOutput({
      outputError: (message, write) =>
        write(
          `Error: ${message
            .replace(/^error:\s*/i, '')
            .trimEnd()
            .replace(/\.?$/, '.')} Run 'berth --help' for usage.\n`,
        ),
    });

  program.hook('preAction', (root) => {
    if (root.opts<{ verbose?: boolean }>().verbose) configureLog({ verbose: true });
  });

  program
    .command('serve')
    .description('run the Berth UI in your browser, on 127.0.0.1 only, behind a one-time token')
    .addOption(new Option('-p, --port <port>', 'port on 127.0.0.1 (default: a free one)').argParser(parsePort))
    .option('--open', 'open the printed URL in the default browser')
    .action(async (options: { port?: number; open?: boolean }) => {
      await runServe(options);
    });

  addNodeCommands(program);
  addSessionCommands(program);
  addImageCommands(program);
  addLibraryCommands(program);
  addGitCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 failure, 2 usage error. Every failure is one `Error: ` line on stderr. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode();
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Error: ${message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}
