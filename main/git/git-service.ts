import { BerthError } from '../../app/contract';
import type { NodeGitStatus } from '../../app/contract';
import type { NodeManager } from '../nodes/node-manager';
import type { Secrets } from '../nodes/secrets';
import type { SshConnection } from '../nodes/ssh-connection';
import type { SettingsStore } from '../settings/settings-store';
import { gitStatus, removeGit, setUpGit } from './node-git';

const tokenOwner = (host: string): string => `git:${host}`;

/**
 * The seed's Git authentication: the user's name, email and per-host tokens (tokens in the
 * keychain), written into their home on a node, which every session there mounts.
 */
export class GitService {
  constructor(
    private readonly nodes: NodeManager,
    private readonly settings: SettingsStore,
    private readonly secrets: Secrets,
  ) {}

  /** Keeps a host's token in the keychain; says whether it outlives this run. */
  async setToken(host: string, username: string, token: string): Promise<{ kept: boolean }> {
    const kept = await this.secrets.put(tokenOwner(host), 'password', token, true);
    const { logins } = (await this.settings.get()).git;
    await this.settings.setGitLogins([...logins.filter((login) => login.host !== host), { host, username }]);
    return { kept };
  }

  async removeToken(host: string): Promise<void> {
    await this.secrets.forget(tokenOwner(host), 'password');
    const { logins } = (await this.settings.get()).git;
    await this.settings.setGitLogins(logins.filter((login) => login.host !== host));
  }

  async status(node: string): Promise<NodeGitStatus> {
    return gitStatus(await this.connection(node));
  }

  /** Writes the name, email and the tokens of `hosts` (every host with a token when none are named). */
  async setup(node: string, hosts: string[]): Promise<NodeGitStatus> {
    const git = (await this.settings.get()).git;
    const unknown = hosts.filter((host) => !git.logins.some((login) => login.host === host));
    if (unknown.length > 0) {
      throw new BerthError(
        'invalid-params',
        `There is no token for ${unknown.join(', ')}. Add one in Settings → Git, or give it to \`berth git setup --host ${unknown[0] ?? ''} --token-stdin\`.`,
      );
    }
    const chosen = hosts.length > 0 ? git.logins.filter((login) => hosts.includes(login.host)) : git.logins;
    if (!git.name && !git.email && chosen.length === 0) {
      throw new BerthError(
        'invalid-params',
        'There is nothing to set up yet: give your Git name, email and a token for your Git host in Settings → Git.',
      );
    }
    const credentials = await Promise.all(
      chosen.map(async (login) => {
        const token = await this.secrets.get(tokenOwner(login.host), 'password');
        if (token === null) {
          throw new BerthError(
            'unavailable',
            `The token for ${login.host} is not in this computer's keychain. Enter it again in Settings → Git, or give it to \`berth git setup --host ${login.host} --token-stdin\`.`,
          );
        }
        return { host: login.host, username: login.username, token };
      }),
    );
    return setUpGit(await this.connection(node), { name: git.name, email: git.email }, credentials);
  }

  /** Removes the tokens of the hosts in the settings (other lines stay), and the store helper once none are left. */
  async remove(node: string): Promise<NodeGitStatus> {
    const { logins } = (await this.settings.get()).git;
    return removeGit(
      await this.connection(node),
      logins.map((login) => login.host),
    );
  }

  private async connection(node: string): Promise<SshConnection> {
    const link = await this.nodes.connected(node);
    if (!link.ssh) throw new BerthError('unavailable', `${node} is not connected over SSH; Git is set up in your home on SSH nodes.`);
    return link.ssh;
  }
}
