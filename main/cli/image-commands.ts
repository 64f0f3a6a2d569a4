import { resolve } from 'node:path';
import type { Command } from 'commander';
import { Option } from 'commander';
import { age } from '../../app/domain/durations';
import { formatBytes } from '../../app/domain/sizes';
import { folderContext } from '../images/build-context';
import { coreCall } from './core-call';
import { runJob } from './image-job';
import { ensureLibraryLogin } from './library-commands';
import { connectInteractively } from './node-commands';
import { table } from './table';
import { UsageError } from './usage-error';
import { withCore } from './with-core';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

export function addImageCommands(program: Command): void {
  const image = program.command('image').description('images on your nodes: build, list, pull, remove, save to the library, copy between nodes');

  image
    .command('build <context>')
    .description('build an image on a node from a folder (or a Dockerfile and its folder), honouring .dockerignore')
    .requiredOption('--node <node>', 'bookmarked node to build on')
    .requiredOption('--tag <tag>', 'name:tag for the image')
    .option('--file <path>', "the Dockerfile's path inside the context (default: Dockerfile)")
    .option('--target <stage>', 'build up to this stage of a multi-stage Dockerfile')
    .option('--build-arg <K=V>', 'build argument (repeatable)', collect, [])
    .action(async (context: string, options: { node: string; tag: string; file?: string; target?: string; buildArg: string[] }) => {
      const bad = options.buildArg.find((arg) => !/^[A-Za-z_][A-Za-z0-9_]*=/s.test(arg));
      if (bad !== undefined) throw new UsageError(`--build-arg ${bad} is not NAME=VALUE.`);
      // A context Berth cannot send (no Dockerfile, unreadable files) is reported before any connection.
      await folderContext(resolve(context), options.file);
      await withCore(async (core) => {
        await connectInteractively(core, options.node, {});
        const job = await runJob(core, (id) =>
          coreCall(core, 'images.build', {
            node: options.node,
            source: { kind: 'path', path: resolve(context) },
            tag: options.tag,
            job: id,
            buildArgs: options.buildArg,
            ...(options.file ? { dockerfile: options.file } : {}),
            ...(options.target ? { target: options.target } : {}),
          }),
        );
        process.stderr.write(`Built ${job.title}${job.image ? ` (${job.image.replace(/^sha256:/, '').slice(0, 12)})` : ''} on ${job.node}.\n`);
      });
    });

  image
    .command('list')
    .description("a node's images, as docker images lists them")
    .requiredOption('--node <node>', 'bookmarked node')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json']).default('table'))
    .action(async (options: { node: string; format: 'table' | 'json' }) => {
      await withCore(async (core) => {
        await connectInteractively(core, options.node, {});
        const { images } = await coreCall(core, 'images.list', { node: options.node });
        if (options.format === 'json') {
          process.stdout.write(JSON.stringify(images, null, 2) + '\n');
          return;
        }
        const now = Date.now();
        process.stdout.write(
          table(
            ['IMAGE', 'ID', 'CREATED', 'SIZE', 'USED BY'],
            images.flatMap((i) =>
              (i.tags.length ? i.tags : ['<none>']).map((tag) => [
                tag,
                i.id.replace(/^sha256:/, '').slice(0, 12),
                age(i.created, now),
                formatBytes(i.size),
                i.usedBy.join(', '),
              ]),
            ),
          ),
        );
      });
    });

  image
    .command('pull <ref>')
    .description('pull an image on a node, with progress per layer')
    .requiredOption('--node <node>', 'bookmarked node')
    .action(async (ref: string, options: { node: string }) => {
      await withCore(async (core) => {
        await connectInteractively(core, options.node, {});
        const job = await runJob(core, (id) => coreCall(core, 'images.pull', { node: options.node, image: ref, job: id }));
        process.stderr.write(`Pulled ${job.title} on ${job.node}.\n`);
      });
    });

  image
    .command('remove <ref>')
    .description('remove an image from a node (refused while a running session uses it)')
    .requiredOption('--node <node>', 'bookmarked node')
    .action(async (ref: string, options: { node: string }) => {
      await withCore(async (core) => {
        await connectInteractively(core, options.node, {});
        await coreCall(core, 'images.remove', { node: options.node, image: ref });
        process.stdout.write(`Removed ${ref} from ${options.node}.\n`);
      });
    });

  image
    .command('push <image>')
    .description("save a node's image to the team library as NAME[:TAG], with a description")
    .requiredOption('--node <node>', 'bookmarked node that has the image')
    .requiredOption('--name <name>', 'name in the library, NAME or NAME:TAG')
    .option('--description <text>', 'what the image is for; every user of the library sees it', '')
    .action(async (source: string, options: { node: string; name: string; description: string }) => {
      const [name = '', tag = 'latest', ...rest] = options.name.split(':');
      if (rest.length > 0 || name === '') throw new UsageError(`--name ${options.name} is not NAME or NAME:TAG.`);
      await withCore(async (core) => {
        await ensureLibraryLogin(core);
        await connectInteractively(core, options.node, {});
        const job = await runJob(core, (id) =>
          coreCall(core, 'images.push', { node: options.node, image: source, name, tag, description: options.description, job: id }),
        );
        process.stderr.write(`Saved ${source} to the library as ${job.title}.\n`);
      });
    });

  image
    .command('copy <ref>')
    .description('copy an image straight from one node to another, without a registry')
    .requiredOption('--from <node>', 'node that has the image')
    .requiredOption('--to <node>', 'node to copy it to')
    .action(async (ref: string, options: { from: string; to: string }) => {
      await withCore(async (core) => {
        await connectInteractively(core, options.from, {});
        await connectInteractively(core, options.to, {});
        const job = await runJob(core, (id) => coreCall(core, 'images.copy', { image: ref, from: options.from, to: options.to, job: id }));
        process.stderr.write(`Copied ${ref} from ${options.from} to ${options.to} (${formatBytes(job.transfer?.done ?? 0)}).\n`);
      });
    });
}
