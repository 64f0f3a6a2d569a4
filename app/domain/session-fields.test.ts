import { describe, expect, it } from 'vitest';
import { checkSessionFields, gpuProblem } from './session-fields';
import type { SessionFieldsText } from './session-fields';

const blank: SessionFieldsText = {
  gpus: '',
  name: '',
  command: '',
  cpus: '',
  memory: '',
  sharedMemory: '',
  env: [],
  mounts: [],
  ports: [],
  workdir: '',
};
const a = { node: 'a', gpuTotal: 4 };

describe('gpuProblem', () => {
  it.each([
    ['99', 'a has only 4 GPUs.'],
    ['-1', 'The number of GPUs cannot be negative: give 0 for none.'],
    ['1.5', '"1.5" is not a number of GPUs: give a whole number, like 0, 1 or 4.'],
    ['two', '"two" is not a number of GPUs: give a whole number, like 0, 1 or 4.'],
  ])('%s -> %s', (text, problem) => expect(gpuProblem(text, a)).toBe(problem));

  it('accepts a count the node has, and any sane count while the node has not answered', () => {
    expect(gpuProblem('4', a)).toBeNull();
    expect(gpuProblem('8', { node: 'a' })).toBeNull();
    expect(gpuProblem('1', { node: 'cpu', gpuTotal: 0 })).toBe('cpu has no GPUs: give 0, or pick a GPU node.');
  });
});

describe('checkSessionFields', () => {
  it('says what is wrong with each field, in words and without schema paths', () => {
    const result = checkSessionFields(
      { ...blank, gpus: '99', env: ['FOO'], ports: ['88a'], mounts: ['/data'], command: "sh -c 'oops", memory: 'lots' },
      a,
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        gpus: 'a has only 4 GPUs.',
        env: '"FOO" is not KEY=VALUE: write it as FOO=value.',
        ports: '"88a" is not a port: give a whole number from 1 to 65535, like 8888.',
        mounts: '"/data" is not a mount: write SRC:DST, or SRC:DST:ro for read-only.',
        command: "The command ends inside a ' quote: close it.",
        memory: '"lots" is not a size: give one like 512m, 16g or 1.5g.',
      },
    });
  });

  it('gives the values when all is well, the command split as a shell would', () => {
    const result = checkSessionFields(
      { ...blank, gpus: '2', command: "sh -c 'echo hi; exec sh -i'", env: ['A=1'], ports: ['8888'], mounts: ['/data:/data:ro'] },
      a,
    );
    expect(result).toEqual({
      ok: true,
      values: {
        gpus: 2,
        command: ['sh', '-c', 'echo hi; exec sh -i'],
        env: ['A=1'],
        ports: [8888],
        mounts: [{ source: '/data', target: '/data', readOnly: true }],
      },
    });
  });
});
