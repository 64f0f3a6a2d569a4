import type { Command } from 'commander';
import { Option } from 'commander';
import { ulid } from 'ulid';
import { SessionSpec, describeIssues } from '../../app/contract';
import { formatDuration } from '../../app/domain/durations';
import { isIdle } from '../../app/domain/idle';
import { showGpus, showImage } from '../../app/domain/session-display';
import { checkSessionFields } from '../../app/domain/session-fields';
import type { SessionField, SessionFieldValues } from '../../app/domain/session-fields';
import type { SessionInfo, SessionSpecInput } from '../../app/contract';
import type { Core } from '../core/create-core';
import { runTerminal } from './cli-terminal';
import { coreCall } from './core-call';
import { setExitCode } from './exit-code';
import { ensureLibraryLogin } from './library-commands';
import { connectInteractively } from './node-commands';
import { duration, started } from './session-format';
import { table } from './table';
import { UsageError } from './usage-error';
import { withCore } from './with-core';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** PORT or PORT:LOCALPORT, each 1 to 65535. */
export function parsePortPair(text: string): { port: number; localPort?: number } {
  const parts = text.split(':');
  const numbers = parts.map((part) => (/^\d{1,5}$/.test(part) ? Number(part) : NaN));
  if (parts.length > 2 || numbers.some((n) => !Number.isInteger(n) || n < 1 || n > 65535)) {
    throw new UsageError(`"${text}" is not a port: give PORT or PORT:LOCALPORT, each a whole number from 1 to 65535.`);
  }
  const [port = 0, localPort] = numbers;
  return localPort === undefined ? { port } : { port, localPort };
}

interface CreateOptions {
  node: string;
  port: string[];
  gpus?: string;
  image?: string;
  pull: 'always' | 'missing' | 'never';
  name?: string;
  cpus?: string;
  memory?: string;
  sharedMemory?: string;
  env: string[];
  mount: string[];
  workdir?: string;
  detach?: boolean;
  wait: boolean;
}

/** Flag names for the fields of the shared session form, so a problem reads as the flag to fix. */
const FLAGS: Record<SessionField, string> = {
  gpus: '--gpus',
  name: '--name',
  command: 'the command',
  cpus: '--cpus',
  memory: '--memory',
  sharedMemory: '--shared-memory',
  env: '--env',
  mounts: '--mount',
  ports: '--port',
  workdir: '--workdir',
};

function problems(errors: Partial<Record<SessionField, string>>): string {
  return Object.entries(errors)
    .map(([field, problem]) => `${FLAGS[field as SessionField]}: ${problem}`)
    .join('\n');
}

/** A command given as one quoted word (`-- "sh -c 'echo hi'"`) is a command as text: split it as a shell would. */
function commandArgv(command: string[]): string | string[] {
  return command.length === 1 && /\s/.test(command[0] ?? '') ? (command[0] ?? '') : command;
}

/** The flags checked as the dialog checks its fields; `gpuTotal` is the node's count once it answered. */
function checkFlags(options: CreateOptions, command: string[], gpuTotal: number | 'later'): SessionFieldValues {
  const checked = checkSessionFields(
    {
      gpus: options.gpus ?? '',
      name: options.name ?? '',
      command: commandArgv(command),
      cpus: options.cpus ?? '',
      memory: options.memory ?? '',
      sharedMemory: options.sharedMemory ?? '',
      env: options.env,
      mounts: options.mount,
      ports: options.port,
      workdir: options.workdir ?? '',
    },
    { node: options.node, gpuTotal },
  );
  if (!checked.ok) throw new UsageError(problems(checked.errors));
  return checked.values;
}

function specFrom(options: CreateOptions, command: string[], gpuTotal: number | 'later'): SessionSpec {
  const input: SessionSpecInput = {
    node: options.node,
    pull: options.pull,
    ...checkFlags(options, command, gpuTotal),
    wait: options.wait,
    requestId: ulid(),
    ...(options.image ? { image: options.image } : {}),
  };
  const parsed = SessionSpec.safeParse(input);
  if (!parsed.success) throw new UsageError(`${describeIssues(parsed.error, 'session').join('; ')}.`);
  return parsed.data;
}

/** The node's GPU count, when GPUs are asked for: the bound of the --gpus check. */
async function gpuTotal(core: Core, node: string, gpus: string | undefined): Promise<number | undefined> {
  return gpus && Number(gpus) > 0 ? (await coreCall(core, 'sessions.availability', { name: node })).total : undefined;
}

/** The session a command means: the one named, or the user's only running session. */
async function pick(core: Core, id: string | undefined): Promise<string> {
  if (id) return id;
  const { sessions } = await coreCall(core, 'sessions.list', {});
  const running = sessions.filter((session) => session.status === 'running');
  if (running.length === 1 && running[0]) return running[0].id;
  if (running.length === 0) throw new UsageError('you have no running session; start one with `berth session create --node NODE`.');
  throw new UsageError(`you have ${running.length} running sessions (${running.map((s) => `${s.id} on ${s.node}`).join(', ')}); name one.`);
}

/** GPUs as "GPU 0, 1 (0%, 3/80 GiB)": indexes with their latest utilization and memory; "—" for none. */
function gpuColumn(s: SessionInfo): string {
  if (s.gpus.length === 0 || s.gpuUsage.length === 0) return showGpus(s);
  const used = s.gpuUsage.reduce((sum, g) => sum + g.memoryUsedMiB, 0) / 1024;
  const total = s.gpuUsage.reduce((sum, g) => sum + g.memoryMiB, 0) / 1024;
  const utilization = Math.round(s.gpuUsage.reduce((sum, g) => sum + g.utilization, 0) / s.gpuUsage.length);
  return `${showGpus(s)} (${utilization}%, ${Math.round(used)}/${Math.round(total)} GiB)`;
}

function printSessions(sessions: SessionInfo[], idleAfterSeconds: number): void {
  const now = Date.now();
  process.stdout.write(
    table(
      ['ID', 'NAME', 'OWNER', 'STATUS', 'NODE', 'GPUS', 'IMAGE', 'STARTED', 'DURATION'],
      sessions.map((s) => [
        s.id,
        s.name,
        s.owner,
        isIdle(s.idleSince, idleAfterSeconds, now)
          ? `${s.status}, GPUs idle ${formatDuration((now - Date.parse(s.idleSince ?? '')) / 1000)}`
          : s.status,
        s.node,
        gpuColumn(s),
        showImage(s.image),
        started(s),
        duration(s),
      ]),
    ),
  );
}

export function addSessionCommands(program: Command): void {
  const session = program.command('session').description('interactive container sessions on your nodes');

  session
    .command('create')
    .description('claim GPUs on a node and start a session (attaches unless --detach)')
    .argument('[command...]', 'command to run instead of a login shell (after --)')
    .requiredOption('--node <node>', 'bookmarked node to run on')
    .option('--gpus <count>', 'GPUs to reserve (default 0)')
    .option('--image <ref>', "docker://REF, beaker://NAME or a plain reference (default: the node's default image)")
    .addOption(new Option('--pull <policy>', 'when to pull the image').choices(['always', 'missing', 'never']).default('missing'))
    .option('--name <name>', 'name of the session (and its container)')
    .option('--cpus <n>', 'CPU limit')
    .option('--memory <size>', 'memory limit, e.g. 64g')
    .option('--shared-memory <size>', 'size of /dev/shm, e.g. 8g')
    .option('--env <K=V>', 'environment variable (repeatable)', collect, [])
    .option('--mount <SRC:DST[:ro]>', 'mount a host folder the node allows (repeatable)', collect, [])
    .option('--workdir <dir>', 'working directory (default: your home)')
    .option('--port <port>', "a port the session serves, forwarded to this computer's 127.0.0.1 while Berth runs (repeatable)", collect, [])
    .option('--detach', 'print the session ID instead of attaching')
    .option('--no-wait', 'fail at once if the GPUs are taken, naming nodes where they are free')
    .action(async (command: string[], options: CreateOptions) => {
      // Every flag is checked before connecting; the GPU count again once the node said how many it has.
      checkFlags(options, command, 'later');
      await withCore(async (core) => {
        if (options.image?.startsWith('beaker://')) await ensureLibraryLogin(core);
        await connectInteractively(core, options.node, {});
        const spec = specFrom(options, command, (await gpuTotal(core, options.node, options.gpus)) ?? 'later');
        let last = '';
        const stop = core.events.subscribe((name, payload) => {
          const progress = payload as { requestId?: string; message?: string; stage?: string };
          if (name !== 'sessions.progress' || progress.requestId !== spec.requestId || !progress.message || progress.message === last) return;
          last = progress.message;
          process.stderr.write(`${progress.message}${progress.stage === 'waiting' ? ' (Ctrl+C to cancel)' : ''}\n`);
        });
        let created: SessionInfo;
        try {
          created = await coreCall(core, 'sessions.create', spec);
        } finally {
          stop();
        }
        const { forwards } = await coreCall(core, 'forwards.list', {});
        for (const forward of forwards.filter((f) => f.session === created.id)) {
          process.stderr.write(
            `${forward.note ? `${forward.note} ` : ''}Port ${forward.port} is at ${forward.url}${options.detach ? ' until this command ends' : ''}.\n`,
          );
        }
        if (options.detach) {
          if (created.ports.length > 0) process.stderr.write(`Keep a port open with \`berth session forward ${created.id} PORT\`.\n`);
          process.stdout.write(`${created.id}\n`);
          return;
        }
        process.stderr.write(
          `Started ${created.name} (${created.id}) on ${created.node}${created.gpus.length ? ` with GPU ${created.gpuIndexes.join(',')}` : ''}.\n`,
        );
        setExitCode(await runTerminal(core, created.id, 'attach', []));
      });
    });

  session
    .command('list')
    .description('list your sessions (or everyone’s)')
    .option('--node <node>', 'only this node, everyone’s sessions')
    .option('--all', 'everyone’s sessions on all nodes')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: { node?: string; all?: boolean; format: 'table' | 'json' }) => {
      await withCore(async (core) => {
        const listed = await coreCall(core, 'sessions.list', {
          ...(options.node ? { node: options.node } : {}),
          everyone: Boolean(options.all || options.node),
        });
        for (const problem of listed.problems) process.stderr.write(`Warning: ${problem}\n`);
        if (options.format === 'json') process.stdout.write(JSON.stringify(listed.sessions, null, 2) + '\n');
        else if (listed.sessions.length === 0) process.stdout.write('No sessions. Start one with `berth session create --node NODE`.\n');
        else printSessions(listed.sessions, (await coreCall(core, 'settings.get', {})).sessions.idleAfterSeconds);
      });
    });

  session
    .command('describe <id>')
    .description('show one session')
    .action(async (id: string) => {
      await withCore(async (core) => {
        process.stdout.write(JSON.stringify(await coreCall(core, 'sessions.describe', { id }), null, 2) + '\n');
      });
    });

  session
    .command('attach [id]')
    .description("attach to a session's main process (Ctrl+P Ctrl+Q detaches)")
    .option('--force', "attach to another user's session")
    .action(async (id: string | undefined, options: { force?: boolean }) => {
      await withCore(async (core) => setExitCode(await runTerminal(core, await pick(core, id), 'attach', [], Boolean(options.force))));
    });

  session
    .command('exec [id]')
    .description('a new terminal in a session: a login shell, or the command after --')
    .argument('[command...]', 'command to run (after --)')
    .option('--force', "open a terminal in another user's session")
    .action(async (id: string | undefined, command: string[], options: { force?: boolean }) => {
      // `exec -- CMD` leaves out the ID, but commander would read CMD's first word as one.
      const afterExec = process.argv.slice(process.argv.indexOf('exec') + 1);
      const firstArgument = afterExec.find((arg) => arg !== '--force');
      const [session, argv] = firstArgument === '--' && id !== undefined ? [undefined, [id, ...command]] : [id, command];
      await withCore(async (core) => setExitCode(await runTerminal(core, await pick(core, session), 'exec', argv, Boolean(options.force))));
    });

  session
    .command('forward <id> <port>')
    .description("forward a session's port to this computer's 127.0.0.1 over SSH, until interrupted (PORT or PORT:LOCALPORT)")
    .action(async (id: string, text: string) => {
      const { port, localPort } = parsePortPair(text);
      await withCore(async (core) => {
        // A session that cannot be found is explained by forwards.open (it may have ended).
        const session = await coreCall(core, 'sessions.describe', { id }).catch(() => null);
        if (session) await connectInteractively(core, session.node, {});
        const forward = await coreCall(core, 'forwards.open', { session: id, port, ...(localPort !== undefined ? { localPort } : {}) });
        if (forward.note) process.stderr.write(`${forward.note}\n`);
        process.stdout.write(`${forward.url}\n`);
        process.stderr.write(`Forwarding ${forward.url} to port ${port} of ${forward.sessionName} on ${forward.node}. Ctrl+C stops.\n`);
        await new Promise<void>((resolve) => {
          const done = (): void => {
            stop();
            process.off('SIGINT', done);
            process.off('SIGTERM', done);
            resolve();
          };
          // Ends on Ctrl+C, or when the session ends (its forward closes with it).
          const stop = core.events.subscribe((name, payload) => {
            if (name === 'forwards.changed' && !(payload as { forwards: { id: string }[] }).forwards.some((f) => f.id === forward.id)) {
              process.stderr.write(`${forward.sessionName} ended; the forward is closed.\n`);
              setExitCode(1);
              done();
            }
          });
          process.once('SIGINT', done);
          process.once('SIGTERM', done);
        });
      });
    });

  session
    .command('stop <id>')
    .description('stop a session: SIGTERM, then SIGKILL after 10 s; its GPUs are free at once')
    .option('--force', "stop another user's session")
    .action(async (id: string, options: { force?: boolean }) => {
      await withCore(async (core) => {
        process.stderr.write(`Stopping ${id}: a shell gets SIGHUP, any other main process SIGTERM, then SIGKILL after 10 s…\n`);
        const entry = await coreCall(core, 'sessions.stop', { id, force: Boolean(options.force) });
        process.stdout.write(
          `Stopped ${entry.name} (${entry.id}) on ${entry.node}${entry.exitCode === undefined ? '' : `, exit code ${entry.exitCode}`}.\n`,
        );
      });
    });
}
