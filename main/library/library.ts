import { BerthError } from '../../app/contract';
import type { LibraryImage, LibrarySettings } from '../../app/contract';
import type { Secrets } from '../nodes/secrets';
import type { SettingsStore } from '../settings/settings-store';
import { RegistryClient, registryHost } from './registry-client';
import type { RegistryLogin } from './registry-client';

/** How to reach the library now: where, and the login to pass with each request. */
export interface LibraryAccess {
  address: string;
  /** host[:port], the start of every library image's Docker reference. */
  host: string;
  login: RegistryLogin | null;
}

/** Docker's auth config for a request: it travels in X-Registry-Auth and is never stored on the node. */
export type AuthConfig = { username: string; password: string; serveraddress: string } | { serveraddress: string };

/**
 * A registry that needs no login still gets an auth config, with no credentials: Docker 20.10
 * refuses a push without any X-Registry-Auth ("Bad parameters and missing X-Registry-Auth").
 */
export function authConfig(access: LibraryAccess): AuthConfig {
  return access.login ? { ...access.login, serveraddress: access.host } : { serveraddress: access.host };
}

const secretOwner = (host: string): string => `library:${host}`;

/**
 * The team's image library (the seed's image store): a Docker registry named in the settings, its
 * password in the keychain. Sessions name its images beaker://NAME[:TAG].
 */
export class Library {
  constructor(
    private readonly settings: SettingsStore,
    private readonly secrets: Secrets,
  ) {}

  async access(): Promise<LibraryAccess> {
    const { address, username } = (await this.settings.get()).library;
    if (!address) {
      throw new BerthError(
        'unavailable',
        'No image library is set. Set the team registry in Settings → Image library, or run `berth library set ADDRESS --username U --password-stdin`.',
      );
    }
    const host = registryHost(address);
    if (!username) return { address, host, login: null };
    const password = await this.secrets.get(secretOwner(host), 'password');
    if (password === null) {
      throw new BerthError(
        'unavailable',
        `The password for ${username} at the library ${host} is not in this computer's keychain. Enter it again in Settings → Image library, or run \`berth library set ${address} --username ${username} --password-stdin\`.`,
      );
    }
    return { address, host, login: { username, password } };
  }

  /** Checks the registry takes the login before keeping anything; the password goes to the keychain. */
  async set(change: { address: string; username: string; password?: string | undefined }): Promise<LibrarySettings & { passwordKept: boolean }> {
    const address = change.address.trim();
    if (address === '') {
      await this.settings.setLibrary({ address: '', username: '' });
      return { address: '', username: '', passwordKept: false };
    }
    const host = registryHost(address);
    if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(host) && !/^\[[0-9a-fA-F:]+\](:\d{1,5})?$/.test(host)) {
      throw new BerthError('invalid-params', `"${address}" is not a registry address: give host[:port], e.g. registry.example.org:5000.`);
    }
    const username = change.username.trim();
    let password = change.password ?? null;
    if (username && password === null) password = await this.secrets.get(secretOwner(host), 'password');
    if (username && password === null) throw new BerthError('invalid-params', `Give the password for ${username} at ${host}.`);
    await new RegistryClient(address, username && password !== null ? { username, password } : null).check();
    const passwordKept = username && password !== null ? await this.secrets.put(secretOwner(host), 'password', password, true) : false;
    const library = { address, username };
    await this.settings.setLibrary(library);
    return { ...library, passwordKept };
  }

  async list(): Promise<{ address: string; images: LibraryImage[] }> {
    const access = await this.access();
    return { address: access.address, images: await new RegistryClient(access.address, access.login).list() };
  }
}
