import type { Command } from 'commander';
import type { DoctorCheck } from '../../app/contract';
import { log } from '../log/log';
import { coreCall } from './core-call';
import { setExitCode } from './exit-code';
import { connectInteractively } from './node-commands';
import { withCore } from './with-core';

const MARK: Record<DoctorCheck['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' };

export function formatChecks(checks: DoctorCheck[]): string {
  const width = Math.max(...checks.map((check) => check.check.length));
  return checks
    .map(
      (check) =>
        `${MARK[check.status]}  ${check.check.padEnd(width)}  ${check.detail}${check.fix ? `\n      ${' '.repeat(width)}  → ${check.fix}` : ''}`,
    )
    .join('\n');
}

/** `berth node doctor NAME`: what is wrong with a node, one line each with what to do; exit 1 if anything failed. */
export function addDoctorCommand(node: Command): void {
  node
    .command('doctor <name>')
    .description('check what Berth needs of a node (SSH, shell, Docker, GPUs, the GPU queue), each with a fix')
    .option('--accept-new-host-key', "trust the node's host key if it is new")
    .option('--password-file <file>', 'read the password from this file (only you may read it)')
    .action(async (name: string, options: { acceptNewHostKey?: boolean; passwordFile?: string }) => {
      await withCore(async (core) => {
        // Host key and password first, as `ssh` asks; a node that still will not connect is what the report explains.
        await connectInteractively(core, name, options).catch(log.ignored('doctor', `${name}: connecting before the checks`));
        const report = await coreCall(core, 'nodes.doctor', { name });
        process.stdout.write(`${formatChecks(report.checks)}\n`);
        const failed = report.checks.filter((check) => check.status === 'fail').length;
        if (failed > 0) setExitCode(1);
      });
    });
}
