/**
 * The one thing the test machines lack is GPUs. A test node gets a stand-in `nvidia-smi` that
 * prints a fixed inventory (read from the node's gpus.csv, so a test can change utilization), and a
 * no-op `nvidia-container-runtime-hook` on dockerd's PATH, so Docker's own GPU code path runs.
 */

export interface StandInGpu {
  index: number;
  uuid: string;
  name: string;
  memoryMiB: number;
  memoryUsedMiB: number;
  utilization: number;
}

export function standInGpus(count: number, node: string): StandInGpu[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    uuid: `GPU-${node.padEnd(8, '0').slice(0, 8)}-0000-4000-8000-${String(index).padStart(12, '0')}`,
    name: 'NVIDIA A100-SXM4-80GB',
    memoryMiB: 81920,
    memoryUsedMiB: 0,
    utilization: 0,
  }));
}

export function gpuCsv(gpus: StandInGpu[]): string {
  return (
    gpus.map((g) => `${g.index}, ${g.uuid}, ${g.name}, ${g.memoryMiB}, ${g.memoryUsedMiB}, ${g.utilization}`).join('\n') + (gpus.length ? '\n' : '')
  );
}

/**
 * Answers the query Berth makes; anything else gets a short table, as the real tool would. A number
 * of seconds in `delayPath` makes every call that slow, so a test can catch a Berth client while it
 * holds the GPU lock (it reads the GPUs under it) and freeze it there.
 */
export function nvidiaSmiScript(csvPath: string, delayPath: string): string {
  return `#!/bin/sh
[ -r ${delayPath} ] && sleep "$(cat ${delayPath})"
case "$*" in
  *--query-gpu=index,uuid,name,memory.total,memory.used,utilization.gpu*--format=csv,noheader,nounits*) exec cat ${csvPath} ;;
  *--query-gpu*) echo "stand-in nvidia-smi: unsupported query: $*" >&2; exit 2 ;;
esac
echo "NVIDIA-SMI 550.54.15 (stand-in)    Driver Version: 550.54.15    CUDA Version: 12.4"
while IFS=, read -r index uuid name total used util; do
  echo "|  $index $name |$used MiB / $total MiB | $util% |"
done < ${csvPath}
`;
}

export const NOOP_HOOK = `#!/bin/sh
# Stand-in for the NVIDIA container hook: runc runs it as a prestart hook; there is no GPU to set up.
cat >/dev/null
exit 0
`;
