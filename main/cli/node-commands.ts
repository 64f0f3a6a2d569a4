import type { Command } from 'commander';
import { Option } from 'commander';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { Bookmark, describeIssues } from '../../app/contract';
import type { BookmarkInput, NodeSummary } from '../../app/contract';
import { formatBytes } from '../../app/domain/sizes';
import { gpuUse } from '../../app/domain/gpus';
import { sameAddressAs } from '../../app/domain/same-machine';
import type { Core } from '../core/create-core';
import { coreCall } from './core-call';
import { ask, canPrompt } from './prompt';
import { readSecretFile } from './secret-file';
import { table } from './table';
import { withCore } from './with-core';
import { addDoctorCommand } from './node-doctor-command';
import { UsageError } from './usage-error';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

interface ConnectOptions {
  acceptNewHostKey?: boolean;
  passwordFile?: string;
}

/**
 * Connects the way `ssh` does at a terminal: an unknown host key is shown and asked about, a
 * password is asked for. Without a terminal, each fails with what to pass instead.
 */
export async function connectInteractively(core: Core, name: string, options: ConnectOptions): Promise<NodeSummary> {
  let node = await coreCall(core, 'nodes.connect', { name });
  for (let round = 0; round < 5 && node.status.state !== 'connected'; round++) {
    const { status } = node;
    if (status.state === 'host-key-unknown' && status.hostKey) {
      let answer = options.acceptNewHostKey ? 'yes' : '';
      if (!answer && canPrompt()) {
        process.stderr.write(`${status.message ?? ''}\n`);
        answer = (await ask('Trust this key? yes (remember it) / once / no: ')).trim().toLowerCase();
      } else if (!answer) {
        throw new Error(`${status.message ?? 'unknown host key.'} To trust it, run again with --accept-new-host-key.`);
      }
      if (answer !== 'yes' && answer !== 'once') throw new Error('host key not trusted; nothing was sent to the node.');
      node = await coreCall(core, 'nodes.trustHostKey', { name, fingerprint: status.hostKey.fingerprint, remember: answer === 'yes' });
    } else if (status.state === 'needs-secret' && status.secret) {
      let value: string;
      if (options.passwordFile && status.secret === 'password' && round === 0) value = await readSecretFile(resolve(options.passwordFile));
      else if (canPrompt()) value = await ask(`${status.message ?? 'Secret'} `, true);
      else
        throw new Error(
          `${status.message ?? 'a secret is needed.'} Run in a terminal to be asked, or pass --password-file FILE (a file only you can read).`,
        );
      node = await coreCall(core, 'nodes.provideSecret', { name, kind: status.secret, value, remember: false });
    } else {
      throw new Error(status.message ?? `${name} is ${status.state}.`);
    }
  }
  if (node.status.state !== 'connected') throw new Error(node.status.message ?? `${name} did not connect.`);
  return node;
}

function printNode(node: NodeSummary): void {
  const inv = node.inventory;
  const connections = (node.status.sshConnections ?? 1) > 1 ? ` (${node.status.sshConnections} SSH connections: the node's MaxSessions is low)` : '';
  const lines = [
    `${node.name}   ${node.address}   ${node.status.state}${node.status.dockerVia === 'dial-stdio' ? ' (Docker via dial-stdio)' : ''}${connections}`,
  ];
  if (inv) {
    lines.push(`  host       ${inv.hostname} · ${inv.os} · ${inv.architecture}`);
    lines.push(`  resources  ${inv.cpus} CPUs · ${formatBytes(inv.memoryBytes)} memory · Docker ${inv.dockerVersion}`);
    lines.push(`  ledger     ${inv.ledger?.folders[0] ?? 'unknown'}${inv.ledger?.problems.length ? ` (${inv.ledger.problems.join('; ')})` : ''}`);
    lines.push(
      `  GPUs       ${inv.gpus.length === 0 ? 'none' : `${inv.gpus.filter((g) => gpuUse(g, node.user) === 'free').length} of ${inv.gpus.length} free`}${inv.gpus.length > 0 && !inv.nvidiaHook ? ' (NVIDIA container hook missing: Docker cannot hand them out)' : ''}`,
    );
  }
  process.stdout.write(lines.join('\n') + '\n');
  if (inv && inv.gpus.length > 0) {
    process.stdout.write(
      '\n' +
        table(
          ['GPU', 'UUID', 'NAME', 'MEMORY', 'UTIL', 'RESERVED BY'],
          inv.gpus.map((g) => [
            String(g.index),
            g.uuid,
            g.name,
            `${g.memoryUsedMiB}/${g.memoryMiB} MiB`,
            `${g.utilization}%`,
            g.reservedBy ? `${g.reservedBy.owner} (${g.reservedBy.session})` : '-',
          ]),
        ),
    );
  }
  if (inv && inv.sessions.length > 0) {
    process.stdout.write(
      '\n' +
        table(
          ['SESSION', 'NAME', 'OWNER', 'STATUS', 'GPUS'],
          inv.sessions.map((s) => [s.id, s.name, s.owner, s.status, String(s.gpus.length)]),
        ),
    );
  }
}

/** The JSON the issue promises: gpus as [{index, uuid, name, memoryMiB, reservedBy}], reservedBy being the holder's user or null. */
function nodeJson(node: NodeSummary): unknown {
  const inv = node.inventory;
  return {
    name: node.name,
    address: node.address,
    state: node.status.state,
    dockerVia: node.status.dockerVia,
    ...(inv
      ? {
          hostname: inv.hostname,
          os: inv.os,
          architecture: inv.architecture,
          cpus: inv.cpus,
          memoryBytes: inv.memoryBytes,
          dockerVersion: inv.dockerVersion,
          nvidiaHook: inv.nvidiaHook,
          gpus: inv.gpus.map((g) => ({
            index: g.index,
            uuid: g.uuid,
            name: g.name,
            memoryMiB: g.memoryMiB,
            memoryUsedMiB: g.memoryUsedMiB,
            utilization: g.utilization,
            reservedBy: g.reservedBy?.owner ?? null,
            session: g.reservedBy?.session ?? null,
          })),
          sessions: inv.sessions,
        }
      : {}),
  };
}

interface AddOptions extends ConnectOptions {
  host: string;
  port?: string;
  user?: string;
  identity?: string;
  password?: boolean;
  keyboardInteractive?: boolean;
  jump?: string;
  dockerSocket?: string;
  lockDir?: string;
  cluster?: string;
  allowPath: string[];
  defaultImage?: string;
}

function bookmarkFrom(name: string, options: AddOptions): Bookmark {
  const kinds = [options.identity, options.password, options.keyboardInteractive].filter(Boolean).length;
  if (kinds > 1) throw new UsageError('choose one of --identity, --password and --keyboard-interactive (without any, ssh-agent is used).');
  const input: BookmarkInput = {
    name,
    host: options.host,
    port: options.port === undefined ? 22 : Number(options.port),
    user: options.user ?? userInfo().username,
    auth: options.identity
      ? { kind: 'key', keyFile: resolve(options.identity) }
      : options.password
        ? { kind: 'password' }
        : options.keyboardInteractive
          ? { kind: 'keyboard-interactive' }
          : { kind: 'agent' },
    allowedHostPaths: options.allowPath,
    ...(options.jump ? { jump: options.jump } : {}),
    ...(options.dockerSocket ? { dockerSocket: options.dockerSocket } : {}),
    ...(options.lockDir ? { lockDir: options.lockDir } : {}),
    ...(options.cluster ? { cluster: options.cluster } : {}),
    ...(options.defaultImage ? { defaultImage: options.defaultImage } : {}),
  };
  const parsed = Bookmark.safeParse(input);
  if (!parsed.success) throw new UsageError(`that bookmark is not valid: ${describeIssues(parsed.error, 'node').join('; ')}.`);
  return parsed.data;
}

export function addNodeCommands(program: Command): void {
  const node = program.command('node').description('bookmark cluster nodes and look at them');
  addDoctorCommand(node);

  node
    .command('add <name>')
    .description('bookmark a node (ssh-agent unless --identity, --password or --keyboard-interactive)')
    .requiredOption('--host <host>', 'host name or address')
    .option('--port <port>', 'SSH port (default 22)')
    .option('--user <user>', 'user on the node (default: you)')
    .option('--identity <file>', 'private key file')
    .option('--password', 'log in with a password (asked when needed)')
    .option('--keyboard-interactive', 'log in with keyboard-interactive (asked when needed)')
    .option('--jump <node>', 'go through another bookmarked node, like ProxyJump')
    .option('--docker-socket <path>', 'Docker socket on the node (default /var/run/docker.sock)')
    .option(
      '--lock-dir <folder>',
      'a world-writable folder on the node for the GPU lock and queue (tried before /run/lock/berth, /dev/shm/berth, /var/tmp/berth)',
    )
    .option('--cluster <name>', 'group the node under a cluster')
    .option('--allow-path <path>', 'a host folder sessions may mount (repeatable)', collect, [])
    .option('--default-image <ref>', 'image for new sessions on this node')
    .option('--accept-new-host-key', "connect now and trust the node's host key if it is new")
    .option('--password-file <file>', 'read the password from this file (only you may read it)')
    .action(async (name: string, options: AddOptions) => {
      const bookmark = bookmarkFrom(name, options);
      await withCore(async (core) => {
        await coreCall(core, 'nodes.add', { bookmark });
        process.stdout.write(`Added ${name} (${bookmark.user}@${bookmark.host}:${bookmark.port}).\n`);
        if (options.acceptNewHostKey) {
          const connected = await connectInteractively(core, name, options);
          process.stdout.write(`Connected; host key trusted.\n`);
          printNode(connected);
        }
      });
    });

  node
    .command('import-ssh-config')
    .description('bookmark the hosts of your ~/.ssh/config')
    .option('--file <file>', 'another ssh config file')
    .option('--keep-duplicates', 'also add hosts that are the same machine (address) as a bookmark you have')
    .action(async (options: { file?: string; keepDuplicates?: boolean }) => {
      await withCore(async (core) => {
        const found = await coreCall(core, 'nodes.sshConfigHosts', options.file ? { file: options.file } : {});
        const bookmarks = (await coreCall(core, 'nodes.list', {})).nodes.flatMap((n) => (n.bookmark ? [n.bookmark] : []));
        const existing = new Set(bookmarks.map((b) => b.name));
        let added = 0;
        for (const bookmark of found.bookmarks) {
          if (existing.has(bookmark.name)) {
            process.stdout.write(`  kept    ${bookmark.name} (already bookmarked)\n`);
            continue;
          }
          const same = sameAddressAs(bookmark, bookmarks);
          if (same && !options.keepDuplicates) {
            process.stdout.write(
              `  skipped ${bookmark.name}: the same machine as ${same} (${bookmark.host}:${bookmark.port}); --keep-duplicates adds it anyway\n`,
            );
            continue;
          }
          await coreCall(core, 'nodes.add', { bookmark });
          process.stdout.write(
            `  added   ${bookmark.name}   ${bookmark.user}@${bookmark.host}:${bookmark.port}${bookmark.jump ? ` via ${bookmark.jump}` : ''}\n`,
          );
          added++;
        }
        for (const skip of found.skipped) process.stdout.write(`  skipped ${skip}\n`);
        process.stdout.write(`${added} node${added === 1 ? '' : 's'} added from ${found.file}.\n`);
      });
    });

  node
    .command('list')
    .description('list bookmarked nodes')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: { format: 'table' | 'json' }) => {
      await withCore(async (core) => {
        const list = await coreCall(core, 'nodes.list', {});
        if (list.bookmarksProblem) process.stderr.write(`Warning: ${list.bookmarksProblem}\n`);
        const nodes = list.nodes.filter((n) => n.kind === 'ssh');
        if (options.format === 'json') {
          process.stdout.write(
            JSON.stringify(
              nodes.map((n) => n.bookmark),
              null,
              2,
            ) + '\n',
          );
          return;
        }
        if (nodes.length === 0) {
          process.stdout.write('No nodes bookmarked yet. Add one with `berth node add NAME --host HOST`, or `berth node import-ssh-config`.\n');
          return;
        }
        process.stdout.write(
          table(
            ['NAME', 'CLUSTER', 'ADDRESS', 'AUTH', 'JUMP'],
            nodes.map((n) => [n.name, n.cluster ?? '-', n.address, n.bookmark?.auth.kind ?? '', n.bookmark?.jump ?? '-']),
          ),
        );
      });
    });

  node
    .command('show <name>')
    .description('connect to a node and show its machine, GPUs and who holds them')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--accept-new-host-key', "trust the node's host key if it is new")
    .option('--password-file <file>', 'read the password from this file (only you may read it)')
    .action(async (name: string, options: ConnectOptions & { format: 'text' | 'json' }) => {
      await withCore(async (core) => {
        await connectInteractively(core, name, options);
        const shown = await coreCall(core, 'nodes.show', { name });
        if (options.format === 'json') process.stdout.write(JSON.stringify(nodeJson(shown), null, 2) + '\n');
        else printNode(shown);
      });
    });

  node
    .command('remove <name>')
    .description('remove a bookmark (sessions on the node keep running)')
    .action(async (name: string) => {
      await withCore(async (core) => {
        await coreCall(core, 'nodes.remove', { name });
        process.stdout.write(`Removed ${name}.\n`);
      });
    });
}
