import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newBedDir } from '../e2e/testbed/bed-dirs';
import { startSlurmCluster } from '../e2e/testbed/slurm';
import type { SlurmCluster } from '../e2e/testbed/slurm';
import type { TestNode } from '../e2e/testbed/test-node';

// The Slurm test bed is itself tested: the Slurm backend's tests trust what it promises.
let cluster: SlurmCluster;

beforeAll(async () => {
  cluster = await startSlurmCluster(newBedDir());
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

/** A command over real ssh as alice on the login node, with `input` on its stdin. */
function onLogin(command: string, input?: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('ssh', [...cluster.login.sshArgs('alice'), command], { encoding: 'utf8', input, timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waited 20s for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Submits a job from the login node as alice and waits until it runs; says its ID and node. */
async function runningJob(sbatchArgs: string): Promise<{ id: string; node: TestNode }> {
  const submitted = onLogin(`sbatch --parsable ${sbatchArgs} --wrap 'sleep 120'`);
  expect(submitted.stderr).toBe('');
  const id = submitted.stdout.trim();
  expect(id).toMatch(/^\d+$/);
  const nodeName = await until(`job ${id} to run`, () => {
    const [state, nodes] = onLogin(`squeue -h -j ${id} -o '%T %N'`).stdout.trim().split(' ');
    return state === 'RUNNING' ? nodes : undefined;
  });
  const node = cluster.nodes.find((n) => n.name === nodeName);
  if (!node) throw new Error(`job ${id} runs on ${nodeName}, which is not one of the cluster's nodes`);
  return { id, node };
}

/**
 * One HTTP request to Docker's API through `srun --overlap docker system dial-stdio` on the login node.
 * HTTP/1.0, so the answer is not chunked and dockerd closes the stream after it.
 */
function dockerThroughSrun(jobId: string, path: string): string {
  const request = `GET ${path} HTTP/1.0\r\n\r\n`;
  const result = onLogin(`srun --jobid=${jobId} --overlap docker system dial-stdio`, request);
  return result.stdout;
}

describe('Slurm test bed', () => {
  it('brings both compute nodes up idle in sinfo, each with its GPUs as gres, seen from the login node', () => {
    const sinfo = onLogin("sinfo -h -N -o '%N %P %t %G'");
    expect(sinfo.status).toBe(0);
    expect(sinfo.stdout.trim().split('\n').sort()).toEqual(['slurm-a gpu* idle gpu:4', 'slurm-b gpu* idle gpu:4']);
    // The login node runs no slurmd and has no GPUs.
    expect(cluster.login.gpus).toHaveLength(0);
    expect(cluster.admin('scontrol', 'show', 'node', 'slurm-a')).toContain('Gres=gpu:4');
  });

  it('runs a job asking for --gres=gpu:2 on a node, and scontrol shows the GPU indices it holds', async () => {
    const job = await runningJob('--gres=gpu:2');
    try {
      const detail = onLogin(`scontrol show job -d ${job.id}`).stdout;
      expect(detail).toMatch(new RegExp(`Nodes=${job.node.name} .*GRES=gpu:2\\(IDX:0-1\\)`));
      // Steps run as alice on the allocated node, with that node's home and its own stand-in GPUs on the PATH.
      const step = onLogin(
        `srun --jobid=${job.id} --overlap sh -c 'id -un; echo $HOME; nvidia-smi --query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu --format=csv,noheader,nounits | cut -d, -f2 | tr -d " "'`,
      );
      expect(step.stdout.trim().split('\n')).toEqual(['alice', '/home/alice', ...job.node.gpus.map((gpu) => gpu.uuid)]);
    } finally {
      onLogin(`scancel ${job.id}`);
    }
  });

  it('answers Docker’s API from the allocated node’s dockerd through srun --overlap docker system dial-stdio', async () => {
    const job = await runningJob('--gres=gpu:1');
    try {
      const ping = dockerThroughSrun(job.id, '/_ping');
      expect(ping).toMatch(/^HTTP\/1\.0 200 OK\r\n/);
      expect(ping.endsWith('\r\n\r\nOK')).toBe(true);
      const info = JSON.parse(dockerThroughSrun(job.id, '/info').split('\r\n\r\n')[1] ?? '{}') as { DockerRootDir?: string };
      expect(info.DockerRootDir).toBe(join(job.node.dir, 'docker'));
    } finally {
      onLogin(`scancel ${job.id}`);
    }
  });

  it('lets an administrator cancel a user’s job, which then leaves the queue', async () => {
    const job = await runningJob('--gres=gpu:1');
    cluster.admin('scancel', job.id);
    await until(`job ${job.id} to leave the running jobs`, () =>
      onLogin(`squeue -h -j ${job.id} -t RUNNING -o %i`).stdout.trim() === '' ? true : undefined,
    );
  });
});
