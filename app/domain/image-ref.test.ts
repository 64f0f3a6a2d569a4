import { describe, expect, it } from 'vitest';
import { formatDockerRef, parseDockerRef, parseImageSource } from './image-ref';

describe('parseDockerRef', () => {
  it.each([
    ['busybox', { repository: 'busybox' }],
    ['allenai/base:cuda11.2-ubuntu20.04', { repository: 'allenai/base', tag: 'cuda11.2-ubuntu20.04' }],
    ['localhost:5000/team/img:v1', { registry: 'localhost:5000', repository: 'team/img', tag: 'v1' }],
    ['ghcr.io/a/b@sha256:' + 'a'.repeat(64), { registry: 'ghcr.io', repository: 'a/b', digest: 'sha256:' + 'a'.repeat(64) }],
    ['127.0.0.1:5000/x', { registry: '127.0.0.1:5000', repository: 'x' }],
  ])('parses %s', (input, expected) => {
    const parsed = parseDockerRef(input);
    expect(parsed).toEqual({ ok: true, value: expected });
    if (parsed.ok) expect(formatDockerRef(parsed.value)).toBe(input);
  });

  it.each([
    ['', 'empty'],
    ['Ubuntu', 'lowercase'],
    ['a b', 'white space'],
    ['img:-bad', 'not a valid tag'],
    ['img@sha256:xyz', 'not a digest'],
    ['a//b', 'not a valid part'],
    ['bad_host:99999999/x', 'registry'],
  ])('refuses %j with a reason', (input, reason) => {
    const parsed = parseDockerRef(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(reason);
  });
});

describe('parseImageSource', () => {
  it('reads the seed forms', () => {
    expect(parseImageSource('docker://allennlp/allennlp')).toEqual({ ok: true, value: { kind: 'docker', ref: { repository: 'allennlp/allennlp' } } });
    expect(parseImageSource('beaker://base-cuda-jq')).toEqual({ ok: true, value: { kind: 'library', name: 'base-cuda-jq' } });
    expect(parseImageSource('beaker://base:v2')).toEqual({ ok: true, value: { kind: 'library', name: 'base', tag: 'v2' } });
    expect(parseImageSource('beaker://ai2/cuda11.8-ubuntu20.04')).toEqual({ ok: true, value: { kind: 'library', name: 'ai2/cuda11.8-ubuntu20.04' } });
    expect(parseImageSource('beaker://ai2//x').ok).toBe(false);
    expect(parseImageSource('php')).toEqual({ ok: true, value: { kind: 'docker', ref: { repository: 'php' } } });
  });

  it('refuses unknown schemes and bad library names', () => {
    const scheme = parseImageSource('oci://x');
    expect(scheme.ok === false && scheme.problem).toContain('unknown image scheme');
    const name = parseImageSource('beaker://Bad Name');
    expect(name.ok === false && name.problem).toContain('not a library image name');
    const colons = parseImageSource('beaker://a:b:c');
    expect(colons.ok === false && colons.problem).toContain('more than one');
  });
});
