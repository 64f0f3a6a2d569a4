import { BerthError } from '../../app/contract';
import type { LibraryImage } from '../../app/contract';

export interface RegistryLogin {
  username: string;
  password: string;
}

/** The label a library image's description is kept in: the OCI annotation every registry UI shows. */
export const DESCRIPTION_LABEL = 'org.opencontainers.image.description';

const MANIFEST_TYPES = [
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.index.v1+json',
].join(', ');
const TIMEOUT_MS = 15_000;

interface Manifest {
  mediaType?: string;
  config?: { digest: string; size: number };
  layers?: { size: number }[];
  manifests?: { digest: string; platform?: { os?: string; architecture?: string } }[];
}

/** host[:port] as Docker references name the registry, without any scheme. */
export function registryHost(address: string): string {
  return address.replace(/^https?:\/\//, '').replace(/\/+$/, '');
}

/** Docker's own rule: plain HTTP only for registries on this machine's loopback, unless the address says http://. */
function baseUrl(address: string): string {
  if (/^https?:\/\//.test(address)) return address.replace(/\/+$/, '');
  const host = registryHost(address);
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return `${loopback ? 'http' : 'https'}://${host}`;
}

/**
 * The registry's HTTP API (distribution v2), spoken from this computer to list the library:
 * Basic logins, and the Bearer token dance registries with a token service ask for.
 */
export class RegistryClient {
  private readonly base: string;
  private token: string | null = null;

  constructor(
    private readonly address: string,
    private readonly login: RegistryLogin | null,
  ) {
    this.base = baseUrl(address);
  }

  /** Checks that the registry answers and takes the login. */
  async check(): Promise<void> {
    await this.get('/v2/');
  }

  async list(): Promise<LibraryImage[]> {
    const names = await this.paged<{ repositories?: string[] }>('/v2/_catalog?n=1000', (page) => page.repositories ?? []);
    const images = await Promise.all(
      names.map(async (name) => {
        const tags = await this.paged<{ tags?: string[] | null }>(`/v2/${name}/tags/list?n=1000`, (page) => page.tags ?? []);
        return Promise.all(tags.map((tag) => this.describe(name, tag)));
      }),
    );
    return images.flat().sort((a, b) => a.name.localeCompare(b.name) || b.created.localeCompare(a.created));
  }

  async describe(name: string, tag: string): Promise<LibraryImage> {
    let manifest = (await (await this.get(`/v2/${name}/manifests/${tag}`, MANIFEST_TYPES)).json()) as Manifest;
    if (manifest.manifests) {
      const pick = manifest.manifests.find((m) => m.platform?.os === 'linux' && m.platform.architecture === 'amd64') ?? manifest.manifests[0];
      if (!pick) throw new BerthError('unavailable', `${name}:${tag} in the library lists no image.`);
      manifest = (await (await this.get(`/v2/${name}/manifests/${pick.digest}`, MANIFEST_TYPES)).json()) as Manifest;
    }
    let created = '';
    let description = '';
    if (manifest.config) {
      const config = (await (await this.get(`/v2/${name}/blobs/${manifest.config.digest}`)).json()) as {
        created?: string;
        config?: { Labels?: Record<string, string> | null };
      };
      created = config.created ?? '';
      description = config.config?.Labels?.[DESCRIPTION_LABEL] ?? '';
    }
    const size = (manifest.layers ?? []).reduce((sum, layer) => sum + layer.size, manifest.config?.size ?? 0);
    return { name, tag, description, size, created, reference: `beaker://${name}:${tag}` };
  }

  /** Whether NAME:TAG is in the library. */
  async has(name: string, tag: string): Promise<boolean> {
    try {
      await this.get(`/v2/${name}/manifests/${tag}`, MANIFEST_TYPES, 'HEAD');
      return true;
    } catch (error) {
      if (error instanceof BerthError && error.code === 'not-found') return false;
      throw error;
    }
  }

  private async paged<T>(first: string, items: (page: T) => string[]): Promise<string[]> {
    const all: string[] = [];
    let path: string | null = first;
    while (path) {
      const response = await this.get(path);
      all.push(...items((await response.json()) as T));
      const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '');
      path = next?.[1] ?? null;
    }
    return all;
  }

  private async get(path: string, accept?: string, method = 'GET'): Promise<Response> {
    let response = await this.fetch(path, accept, method, this.authorization());
    if (response.status === 401) {
      const challenge = response.headers.get('www-authenticate') ?? '';
      if (/^bearer/i.test(challenge)) this.token = await this.fetchToken(challenge);
      response = await this.fetch(path, accept, method, this.authorization(true));
    }
    if (response.ok) return response;
    if (response.status === 401) {
      throw new BerthError(
        'unavailable',
        this.login
          ? `The library at ${this.address} refused the login of ${this.login.username}: check the username and password in Settings (or berth library set).`
          : `The library at ${this.address} needs a login: set a username and password in Settings (or berth library set ADDRESS --username U --password-stdin).`,
      );
    }
    if (response.status === 404) throw new BerthError('not-found', `The library at ${this.address} has no ${path.replace(/^\/v2\//, '')}.`);
    throw new BerthError('unavailable', `The library at ${this.address} answered ${response.status} ${response.statusText} to ${path}.`);
  }

  private authorization(afterChallenge = false): string | undefined {
    if (this.token) return `Bearer ${this.token}`;
    // Basic credentials go only once asked for, or to a registry known to want them.
    if (this.login && afterChallenge) return `Basic ${Buffer.from(`${this.login.username}:${this.login.password}`).toString('base64')}`;
    return undefined;
  }

  private async fetch(path: string, accept: string | undefined, method: string, authorization: string | undefined): Promise<Response> {
    try {
      return await fetch(`${this.base}${path}`, {
        method,
        headers: { ...(accept ? { accept } : {}), ...(authorization ? { authorization } : {}) },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new BerthError(
        'unavailable',
        `The library at ${this.address} could not be reached (${cause?.code ?? cause?.message ?? (error as Error).message}). Check the address in Settings and that this computer can reach it.`,
      );
    }
  }

  private async fetchToken(challenge: string): Promise<string> {
    const params = new Map([...challenge.matchAll(/(\w+)="([^"]*)"/g)].map((m): [string, string] => [m[1] ?? '', m[2] ?? '']));
    const realm = params.get('realm');
    if (!realm) throw new BerthError('unavailable', `The library at ${this.address} asked for a token without saying where to get one.`);
    const url = new URL(realm);
    for (const name of ['service', 'scope']) {
      const value = params.get(name);
      if (value) url.searchParams.set(name, value);
    }
    const headers: Record<string, string> = this.login
      ? { authorization: `Basic ${Buffer.from(`${this.login.username}:${this.login.password}`).toString('base64')}` }
      : {};
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
    if (!response.ok)
      throw new BerthError('unavailable', `The library's token service refused the login (${response.status}): check the username and password.`);
    const body = (await response.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new BerthError('unavailable', "The library's token service gave no token.");
    return token;
  }
}
