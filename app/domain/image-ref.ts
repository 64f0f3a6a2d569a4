/**
 * Image references as users type them: `docker://REF`, `beaker://NAME[:TAG]` (the team's image
 * library) or a bare Docker reference. Follows Docker's own grammar (distribution/reference),
 * so what Docker would refuse is refused here first, with a reason.
 */

export interface DockerRef {
  /** Registry host with optional port; Docker Hub when absent. */
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

export type ImageSource = { kind: 'docker'; ref: DockerRef } | { kind: 'library'; name: string; tag?: string };

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME_LENGTH = 255;

function isDomain(first: string): boolean {
  return first === 'localhost' || first.includes('.') || first.includes(':');
}

function validDomain(domain: string): boolean {
  const [host = '', port, ...rest] = domain.split(':');
  if (rest.length > 0) return false;
  if (port !== undefined && !/^[0-9]{1,5}$/.test(port)) return false;
  return host.split('.').every((part) => DOMAIN_COMPONENT.test(part));
}

export function parseDockerRef(input: string): Parsed<DockerRef> {
  if (input.length === 0) return { ok: false, problem: 'the image reference is empty' };
  if (/\s/.test(input)) return { ok: false, problem: `"${input}" contains white space` };

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return { ok: false, problem: `"${digest}" is not a digest (expected e.g. sha256:<64 hex digits>)` };
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return { ok: false, problem: `"${tag}" is not a valid tag (letters, digits, _ . -; at most 128; not starting with . or -)` };
  }

  const parts = rest.split('/');
  let registry: string | undefined;
  if (parts.length > 1 && isDomain(parts[0] ?? '')) {
    registry = parts.shift();
    if (registry === undefined || !validDomain(registry)) return { ok: false, problem: `"${registry ?? ''}" is not a valid registry host` };
  }
  const repository = parts.join('/');
  if (repository.length > MAX_NAME_LENGTH) return { ok: false, problem: `the repository name is longer than ${MAX_NAME_LENGTH} characters` };
  const bad = parts.find((part) => !PATH_COMPONENT.test(part));
  if (bad !== undefined) {
    const why = /[A-Z]/.test(bad) ? 'repository names must be lowercase' : 'use lowercase letters, digits and . _ - between them';
    return { ok: false, problem: `"${bad}" is not a valid part of a repository name: ${why}` };
  }

  const ref: DockerRef = { repository };
  if (registry !== undefined) ref.registry = registry;
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return { ok: true, value: ref };
}

/** The reference as Docker prints it: registry omitted for Docker Hub, tag and digest kept as given. */
export function formatDockerRef(ref: DockerRef): string {
  const name = ref.registry ? `${ref.registry}/${ref.repository}` : ref.repository;
  return `${name}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** As Beaker's names ("ai2/cuda11.8-ubuntu20.04"): Docker repository path components. */
const LIBRARY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

export function parseImageSource(input: string): Parsed<ImageSource> {
  const trimmed = input.trim();
  if (trimmed.startsWith('beaker://')) {
    const body = trimmed.slice('beaker://'.length);
    const [name = '', tag, ...extra] = body.split(':');
    if (extra.length > 0) return { ok: false, problem: `"${input}" has more than one ":"; use beaker://NAME or beaker://NAME:TAG` };
    if (!LIBRARY_NAME.test(name))
      return { ok: false, problem: `"${name}" is not a library image name: use lowercase letters, digits and . _ - (and / between parts)` };
    if (tag !== undefined && !TAG.test(tag)) return { ok: false, problem: `"${tag}" is not a valid tag` };
    return { ok: true, value: tag === undefined ? { kind: 'library', name } : { kind: 'library', name, tag } };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(trimmed);
  if (scheme && scheme[1] !== 'docker') {
    return { ok: false, problem: `unknown image scheme "${scheme[1]}://": use docker://REF, beaker://NAME or a plain Docker reference` };
  }
  const parsed = parseDockerRef(scheme ? trimmed.slice('docker://'.length) : trimmed);
  return parsed.ok ? { ok: true, value: { kind: 'docker', ref: parsed.value } } : parsed;
}
