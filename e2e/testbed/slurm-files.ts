import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A compute node as slurm.conf and gres.conf describe it. */
export interface SlurmNodeSpec {
  name: string;
  /** slurmd's own port: several slurmd share 127.0.0.1, so each listens on a port of its own. */
  port: number;
  gpus: number;
  /** The plain files that stand for the node's GPU devices, as gres.conf's File= range. */
  gpuFiles: string;
}

export interface SlurmConfSpec {
  clusterName: string;
  /** The machine's host name: slurmctld only runs where SlurmctldHost names it. */
  controllerHost: string;
  controllerPort: number;
  partition: string;
  nodes: SlurmNodeSpec[];
  /** Where state, spool folders, logs and pid files go (the pid files are what bed-dirs.ts stops after a crash). */
  stateDir: string;
}

/** CPUs and memory Slurm is told each node has (config_overrides: the machine itself has fewer). */
export const NODE_CPUS = 8;
export const NODE_MEMORY_MB = 8000;
/** Without DefMemPerCPU a job takes its node's whole memory, and a second job never fits beside it. */
const DEF_MEM_PER_CPU_MB = 256;

/**
 * slurm.conf for a cluster on loopback: slurmctld and every slurmd run as root on this machine
 * (each slurmd in its test node's mount namespace), no cgroups (proctrack/linuxproc, task/none),
 * no accounting, GPUs as gres. NoInAddrAny/NoCtldInAddrAny keep every daemon and client on 127.0.0.1.
 */
export function slurmConf(spec: SlurmConfSpec): string {
  const { stateDir: s } = spec;
  return [
    `ClusterName=${spec.clusterName}`,
    `SlurmctldHost=${spec.controllerHost}(127.0.0.1)`,
    `SlurmctldPort=${spec.controllerPort}`,
    'SlurmUser=root',
    'SlurmdUser=root',
    'AuthType=auth/munge',
    'CredType=cred/munge',
    'CommunicationParameters=NoInAddrAny,NoCtldInAddrAny',
    `StateSaveLocation=${join(s, 'state')}`,
    `SlurmdSpoolDir=${join(s, 'spool-%n')}`,
    `SlurmctldPidFile=${join(s, 'slurmctld.pid')}`,
    `SlurmdPidFile=${join(s, 'slurmd-%n.pid')}`,
    `SlurmctldLogFile=${join(s, 'slurmctld.log')}`,
    `SlurmdLogFile=${join(s, 'slurmd-%n.log')}`,
    'SlurmctldDebug=info',
    'SlurmdDebug=info',
    'MailProg=/bin/true',
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'JobAcctGatherType=jobacct_gather/none',
    'AccountingStorageType=accounting_storage/none',
    'MpiDefault=none',
    'SwitchType=switch/none',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_Core_Memory',
    `DefMemPerCPU=${DEF_MEM_PER_CPU_MB}`,
    'SlurmdParameters=config_overrides',
    'ReturnToService=2',
    'GresTypes=gpu',
    'SlurmdTimeout=60',
    // Jobs that ended leave squeue quickly, so a test sees the queue as it is now.
    'MinJobAge=10',
    ...spec.nodes.map(
      (node) =>
        `NodeName=${node.name} NodeAddr=127.0.0.1 Port=${node.port} CPUs=${NODE_CPUS} RealMemory=${NODE_MEMORY_MB}` +
        (node.gpus > 0 ? ` Gres=gpu:${node.gpus}` : '') +
        ' State=UNKNOWN',
    ),
    `PartitionName=${spec.partition} Nodes=${spec.nodes.map((n) => n.name).join(',')} Default=YES MaxTime=INFINITE State=UP`,
    '',
  ].join('\n');
}

export function gresConf(nodes: SlurmNodeSpec[]): string {
  return (
    nodes
      .filter((node) => node.gpus > 0)
      .map((node) => `NodeName=${node.name} Name=gpu File=${node.gpuFiles}`)
      .join('\n') + '\n'
  );
}

/**
 * Plain files standing for /dev/nvidia0… (slurmd logs that they are not devices, and allocates them
 * all the same); index N is the stand-in GPU with index N on the node's nvidia-smi.
 */
export function writeGpuFiles(nodeDir: string, count: number): string {
  const dev = join(nodeDir, 'dev');
  mkdirSync(dev, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(dev, `nvidia${i}`), '');
  return count === 1 ? join(dev, 'nvidia0') : join(dev, `nvidia[0-${count - 1}]`);
}

/** The folder every Slurm daemon and client reads as /etc/slurm (bind-mounted in each node's namespace). */
export function writeSlurmEtc(etcDir: string, spec: SlurmConfSpec): void {
  mkdirSync(etcDir, { recursive: true });
  writeFileSync(join(etcDir, 'slurm.conf'), slurmConf(spec), { mode: 0o644 });
  writeFileSync(join(etcDir, 'gres.conf'), gresConf(spec.nodes), { mode: 0o644 });
}

/** munged wants its key 0600 in a folder only root may enter, and its socket in a folder everyone may. */
export function writeMungeFiles(dir: string): { key: string; seed: string; socketDir: string } {
  const keyDir = join(dir, 'munge-key');
  const socketDir = join(dir, 'munge');
  mkdirSync(keyDir, { recursive: true, mode: 0o700 });
  mkdirSync(socketDir, { recursive: true });
  chmodSync(keyDir, 0o700);
  chmodSync(socketDir, 0o755);
  const key = join(keyDir, 'munge.key');
  writeFileSync(key, randomBytes(128), { mode: 0o600 });
  return { key, seed: join(keyDir, 'munged.seed'), socketDir };
}
